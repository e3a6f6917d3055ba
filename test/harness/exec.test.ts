// Commands inside a namespace: they see that namespace, report their status,
// and a timeout kills them together with everything they forked.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { ExecError } from "./exec.js";
import { createLab } from "./lab.js";
import { netnsPids } from "./netns.js";
import { requirePrivileges } from "./privileges.js";

test("exec runs the command inside the namespace", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const ns = await lab.netns();
  const r = await lab.execOk(ns, ["ip", "-o", "link", "show"]);
  const links = r.stdout.trim().split("\n").map((l) => l.split(": ")[1]);
  assert.deepEqual(links, ["lo"]);
});

test("exec reports exit status, stdout and stderr; execOk turns a failure into ExecError", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const ns = await lab.netns();
  const script = "echo out; echo err >&2; exit 3";
  const r = await lab.exec(ns, ["sh", "-c", script]);
  assert.deepEqual([r.code, r.stdout, r.stderr, r.timedOut], [3, "out\n", "err\n", false]);
  await assert.rejects(lab.execOk(ns, ["sh", "-c", script]), (e: unknown) => e instanceof ExecError && /exited 3: err/.test(e.message));
});

test("a timeout in exec kills the command and the processes it forked", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const ns = await lab.netns();
  const started = Date.now();
  const r = await lab.exec(ns, ["sh", "-c", "sleep 30 & sleep 30"], { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  assert.equal(r.signal, "SIGKILL");
  assert.ok(Date.now() - started < 5000, "exec waited for the command instead of killing it");
  assert.deepEqual(await netnsPids(ns), [], "a process survived in the namespace");
});

test("stdin input reaches the command", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const ns = await lab.netns();
  const r = await lab.execOk(ns, ["wc", "-l"], { input: "a\nb\nc\n" });
  assert.equal(r.stdout.trim(), "3");
});
