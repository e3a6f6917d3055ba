// The doctor's text report and exit code.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { doctorExitCode, formatDoctorText, type CheckResult } from "../../src/doctor/index.js";

const ok: CheckResult = { name: "btf", ok: true, required: true, detail: "/sys/kernel/btf/vmlinux", fix: "unused" };
const warn: CheckResult = { name: "bpffs", ok: false, required: false, detail: "not mounted", fix: "mount -t bpf bpf /sys/fs/bpf" };
const fail: CheckResult = { name: "capabilities", ok: false, required: true, detail: "missing CAP_BPF", fix: "run as root" };

test("one line per check: ok, warn for an optional failure, FAIL for a required one, fixes only on failures", () => {
  assert.equal(
    formatDoctorText([ok, warn, fail]),
    "ok   btf: /sys/kernel/btf/vmlinux\n" +
      "warn bpffs: not mounted (fix: mount -t bpf bpf /sys/fs/bpf)\n" +
      "FAIL capabilities: missing CAP_BPF (fix: run as root)\n",
  );
});

test("a multi-line detail continues on indented lines after the check's own line", () => {
  const verifier: CheckResult = { name: "verifier", ok: false, required: true, detail: "rejected\n0: r0 = 1\n1: exit" };
  assert.equal(formatDoctorText([verifier]), "FAIL verifier: rejected\n     0: r0 = 1\n     1: exit\n");
});

test("exit code 1 only when a required check failed; warnings alone exit 0", () => {
  assert.equal(doctorExitCode([ok, warn]), 0);
  assert.equal(doctorExitCode([ok, warn, fail]), 1);
  assert.equal(doctorExitCode([]), 0);
});
