// requirePrivileges: skip when unprivileged locally, fail in CI, run as root.
// The unprivileged cases are real: the fixture test runs under capsh with the
// capabilities dropped from its bounding set.
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { privilegedRunRequired, requirePrivileges } from "./privileges.js";

const CAPSH = "/usr/sbin/capsh";
const FIXTURE = fileURLToPath(new URL("./fixtures/kernel-case.js", import.meta.url));

interface Run { code: number; out: string }

/** Runs the fixture test file, optionally without the lab capabilities, with exactly `extraEnv` on top of a clean env. */
function runFixture(dropCapabilities: boolean, extraEnv: Record<string, string>): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  for (const k of ["CI", "RFM_REQUIRE_PRIVILEGED", "NODE_TEST_CONTEXT"]) if (!(k in extraEnv)) delete env[k];
  const node = [process.execPath, "--test-reporter=tap", FIXTURE];
  const argv = dropCapabilities
    ? [CAPSH, "--drop=cap_sys_admin,cap_net_admin,cap_bpf,cap_perfmon", "--", "-c", 'exec "$@"', "fixture", ...node]
    : node;
  const [cmd = "", ...args] = argv;
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

describe("privilegedRunRequired", () => {
  test("CI with any non-empty value or RFM_REQUIRE_PRIVILEGED=1 forbids skipping", () => {
    assert.equal(privilegedRunRequired({ CI: "true" }), true);
    assert.equal(privilegedRunRequired({ CI: "1" }), true);
    assert.equal(privilegedRunRequired({ RFM_REQUIRE_PRIVILEGED: "1" }), true);
  });

  test("an unset or empty CI and other RFM_REQUIRE_PRIVILEGED values allow skipping", () => {
    assert.equal(privilegedRunRequired({}), false);
    assert.equal(privilegedRunRequired({ CI: "" }), false);
    assert.equal(privilegedRunRequired({ RFM_REQUIRE_PRIVILEGED: "0" }), false);
  });
});

describe("requirePrivileges in a kernel test", () => {
  test("without the capabilities, a local run skips it and names what is missing", async (t) => {
    if (!requirePrivileges(t)) return; // capsh itself needs root
    const r = await runFixture(true, {});
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# skipped 1$/m);
    assert.match(r.out, /# SKIP needs root .*missing CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_BPF, CAP_PERFMON/);
    assert.doesNotMatch(r.out, /PROCEEDED/);
  });

  test("without the capabilities and with CI set, it fails instead of skipping", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await runFixture(true, { CI: "true" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^# fail 1$/m);
    assert.match(r.out, /forbids skipping kernel tests/);
  });

  test("without the capabilities and with RFM_REQUIRE_PRIVILEGED=1, it fails instead of skipping", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await runFixture(true, { RFM_REQUIRE_PRIVILEGED: "1" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^# fail 1$/m);
  });

  test("an empty CI variable does not count as CI", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await runFixture(true, { CI: "" });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# skipped 1$/m);
  });

  test("as root with the capabilities, the test runs (CI or not)", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await runFixture(false, { CI: "true" });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# pass 1$/m);
    assert.match(r.out, /PROCEEDED/);
  });
});
