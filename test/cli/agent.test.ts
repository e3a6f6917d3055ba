// `rfm agent` lifecycle: it loads the real BPF object into the kernel, keeps it
// loaded while running, unloads it and exits 0 on SIGTERM/SIGINT; without the
// capabilities it exits 1 naming them.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { CLI, collect, runCli, waitForStderr } from "./run-cli.js";
import { requirePrivileges } from "../harness/privileges.js";
import { freePort } from "../harness/ports.js";
import { tempDir } from "../harness/temp-dir.js";

async function config(extra = ""): Promise<string> {
  const dir = tempDir("rfm-agent-");
  const p = join(dir, "rfm.toml");
  const port = await freePort();
  writeFileSync(p, `[agent]\ninterfaces = ["rfmt-none-[0-9]+"]\n${extra}\n[agent.prometheus]\nport = ${port}\n`);
  return p;
}

/** Programs of ours the kernel holds, by id (bpftool sees every loaded program). */
function loadedRfmPrograms(): number[] {
  const progs = JSON.parse(execFileSync("bpftool", ["-j", "prog", "show"], { encoding: "utf8" })) as { id: number; name?: string }[];
  return progs.filter((p) => p.name === "rfm_tc_ingress" || p.name === "rfm_tc_egress").map((p) => p.id);
}

describe("rfm agent", () => {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    test(`loads the BPF programs and exits 0 on ${sig}, unloading them`, async (t) => {
      if (!requirePrivileges(t)) return;
      const before = new Set(loadedRfmPrograms());
      const child = spawn(process.execPath, [CLI, "agent", "-c", await config("[agent.bpf]\nsample_rate = 7\n")], { stdio: ["ignore", "pipe", "pipe"] });
      const done = collect(child, 20_000);
      const log = await waitForStderr(child, /agent started/);
      assert.match(log, /sample_rate=7/);
      assert.match(log, /WARN +interface pattern matches no link yet pattern=rfmt-none-\[0-9\]\+/, "starts with no match, warning per pattern");
      const during = loadedRfmPrograms().filter((id) => !before.has(id));
      assert.equal(during.length, 2, `expected our ingress and egress programs loaded, saw ids ${during.join(",")}`);
      child.kill(sig);
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /agent stopping/);
      const after = loadedRfmPrograms();
      for (const id of during) assert.ok(!after.includes(id), `program ${id} still loaded after exit`);
    });
  }

  test("a bad config stops the start with every error, exit 1", async () => {
    const r = await runCli(["agent", "-c", await config("[agent.bpf]\nsample_rate = 0\nring_buf_size = 12345\n")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /agent\.bpf\.sample_rate/);
    assert.match(r.stderr, /agent\.bpf\.ring_buf_size/);
  });

  test("a metrics port already in use stops the start with exit 1", async (t) => {
    if (!requirePrivileges(t)) return;
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "::1", r));
    t.after(() => blocker.close());
    const port = (blocker.address() as { port: number }).port;
    const path = await config();
    writeFileSync(path, `[agent]\ninterfaces = ["rfmt-none"]\n[agent.prometheus]\nport = ${port}\n`);
    const r = await runCli(["agent", "-c", path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot start: .*EADDRINUSE/);
  });

  test("a missing config file is named, exit 1", async () => {
    const r = await runCli(["agent", "-c", "/nonexistent/rfm.toml"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/nonexistent\/rfm\.toml/);
  });

  test("without CAP_BPF and CAP_SYS_ADMIN it names what is missing and exits 1", async (t) => {
    if (!requirePrivileges(t)) return;
    // capsh hands what follows `--` to bash; `-c 'exec "$0" "$@"'` runs node itself
    // with the capabilities dropped from the bounding set (and so from root's effective set).
    const r = await runCli(["agent", "-c", await config()], {
      wrap: ["capsh", "--drop=cap_bpf,cap_sys_admin,cap_perfmon", "--", "-c", 'exec "$0" "$@"'],
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /missing capabilities .*CAP_BPF/);
    assert.match(r.stderr, /CAP_PERFMON/);
  });

  test("namespace patterns without CAP_SYS_ADMIN (needed to enter namespaces) are refused at start, exit 1", async (t) => {
    if (!requirePrivileges(t)) return;
    const path = await config();
    writeFileSync(path, `[agent]\ninterfaces = ["eth0", "blue/veth.+"]\n`);
    const r = await runCli(["agent", "-c", path], { wrap: ["capsh", "--drop=cap_sys_admin", "--", "-c", 'exec "$0" "$@"'] });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^rfm: agent.interfaces pattern "blue\/veth\.\+" names network namespaces, and entering them needs CAP_SYS_ADMIN/m);
  });
});
