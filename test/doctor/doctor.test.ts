// The whole doctor on this host: as root every required check passes; without
// CAP_BPF/CAP_PERFMON (dropped by capsh) it names them and exits 1; a BPF
// object the verifier rejects shows the verifier's reason.
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADDON_PATH } from "../../src/bpf/addon.js";
import { BPF_OBJECT_PATH } from "../../src/bpf/datapath.js";
import { doctorExitCode, formatDoctorText, runDoctor, type CheckResult } from "../../src/doctor/index.js";
import { requirePrivileges } from "../harness/privileges.js";
import { tempDir } from "../harness/temp-dir.js";

const CAPSH = "/usr/sbin/capsh";
/** `rfm doctor` through the real CLI. */
const RFM_CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

function byName(results: CheckResult[], name: string): CheckResult {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no ${name} check in ${results.map((x) => x.name).join(", ")}`);
  return r;
}

function run(argv: string[]): Promise<{ code: number; out: string }> {
  const [cmd = "", ...args] = argv;
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, out: stdout + stderr });
    });
  });
}

describe("runDoctor as root", () => {
  test("reports every check once, in a stable order", async () => {
    const names = (await runDoctor()).map((r) => r.name);
    assert.deepEqual(names, ["kernel", "tcx", "btf", "bpffs", "capabilities", "netns", "unprivileged_bpf", "addon", "verifier"]);
  });

  test("every required check passes (the addon and object when built), so the exit code is 0", async (t) => {
    if (!requirePrivileges(t)) return;
    const results = await runDoctor();
    for (const name of ["kernel", "btf", "capabilities"]) {
      assert.equal(byName(results, name).ok, true, formatDoctorText(results));
    }
    const addon = byName(results, "addon");
    const verifier = byName(results, "verifier");
    if (existsSync(ADDON_PATH)) {
      assert.equal(addon.ok, true, addon.detail);
      assert.match(addon.detail, /libbpf \d+\.\d+/);
    } else {
      assert.match(addon.fix ?? "", /npm run build/);
    }
    if (existsSync(ADDON_PATH) && existsSync(BPF_OBJECT_PATH)) {
      assert.equal(verifier.ok, true, verifier.detail);
      assert.match(verifier.detail, /rfm_tc_ingress/);
      assert.equal(doctorExitCode(results), 0, formatDoctorText(results));
    } else {
      assert.equal(verifier.ok, false);
      assert.match(verifier.fix ?? "", /npm run build/);
    }
  });

  test("a missing BPF object fails the verifier check with the build command", async () => {
    const results = await runDoctor({ bpfObjectPath: "/nonexistent/rfm_tc.o" });
    const v = byName(results, "verifier");
    assert.equal(v.ok, false);
    assert.equal(doctorExitCode(results), 1);
    if (byName(results, "addon").ok) {
      assert.match(v.detail, /\/nonexistent\/rfm_tc\.o missing/);
      assert.match(v.fix ?? "", /npm run build/);
    }
  });

  test("an object the verifier rejects fails with the verifier log's last lines", async (t) => {
    if (!requirePrivileges(t)) return;
    assert.ok(existsSync(ADDON_PATH), "npm run build made the native addon");
    const dir = tempDir("rfm-doctor-", t);
    writeFileSync(
      join(dir, "bad.c"),
      `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tc")
int unchecked(struct __sk_buff *skb)
{
	return *(int *)(long)skb->data; /* no bounds check against data_end */
}
char LICENSE[] SEC("license") = "GPL";
`,
    );
    const multiarch = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
    execFileSync("clang", ["-target", "bpf", "-O2", "-g", `-I/usr/include/${multiarch}`, "-c", join(dir, "bad.c"), "-o", join(dir, "bad.o")]);

    const results = await runDoctor({ bpfObjectPath: join(dir, "bad.o") });
    const v = byName(results, "verifier");
    assert.equal(v.ok, false);
    assert.match(v.detail, /log \(last \d+ lines\):/);
    assert.match(v.detail, /invalid access to packet/);
    assert.match(v.fix ?? "", /rejected the object: report it/);
    assert.match(formatDoctorText([v]), /^FAIL verifier: .*\n {5}\S/);
  });
});

describe("the doctor entry point under capsh", () => {
  test("without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN it names the missing capabilities and exits 1", async (t) => {
    if (!requirePrivileges(t)) return; // capsh needs CAP_SETPCAP to drop
    const r = await run([CAPSH, "--drop=cap_bpf,cap_sys_admin,cap_perfmon", "--", "-c", 'exec "$0" "$@"', process.execPath, RFM_CLI, "doctor"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^FAIL capabilities: missing CAP_BPF, CAP_PERFMON \(fix: run as root/m);
    assert.match(r.out, /^ok {3}kernel: /m);
    // Loading BPF is refused too, and the hint points at the capabilities, not at a bug.
    assert.match(r.out, /^FAIL verifier: .*\(EPERM\).*\(fix: the kernel refused to load BPF: grant the capabilities/m);
  });

  test("as root it exits 0 when the build is complete", async (t) => {
    if (!requirePrivileges(t)) return;
    assert.ok(existsSync(ADDON_PATH) && existsSync(BPF_OBJECT_PATH), "npm run build made the addon and the BPF object");
    const r = await run([process.execPath, RFM_CLI, "doctor"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^ok {3}capabilities: /m);
    assert.match(r.out, /^ok {3}verifier: /m);
  });
});
