// Kernel version gates, BTF presence and the unprivileged BPF sysctl.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  atLeast, checkBtf, checkKernel, checkTcx, checkUnprivilegedBpf, parseKernelRelease,
} from "../../src/doctor/kernel.js";

describe("parseKernelRelease", () => {
  test("reads major.minor.patch and ignores the local suffix", () => {
    assert.deepEqual(parseKernelRelease("6.18.44-fc-v509"), { major: 6, minor: 18, patch: 44 });
    assert.deepEqual(parseKernelRelease("6.1.0-26-amd64"), { major: 6, minor: 1, patch: 0 });
  });

  test("a release without a patch level counts as .0", () => {
    assert.deepEqual(parseKernelRelease("6.6-rc1"), { major: 6, minor: 6, patch: 0 });
  });

  test("an unrecognisable release is an error, not a guess", () => {
    assert.throws(() => parseKernelRelease("linux"), /unrecognised kernel release/);
  });

  test("versions compare numerically, not as strings", () => {
    assert.equal(atLeast({ major: 6, minor: 10, patch: 0 }, { major: 6, minor: 6, patch: 0 }), true);
    assert.equal(atLeast({ major: 5, minor: 15, patch: 0 }, { major: 6, minor: 6, patch: 0 }), false);
    assert.equal(atLeast({ major: 6, minor: 6, patch: 0 }, { major: 6, minor: 6, patch: 0 }), true);
  });
});

describe("kernel checks", () => {
  test("5.8 is the oldest kernel accepted (ring buffer, CAP_BPF)", () => {
    assert.equal(checkKernel("5.8.0").ok, true);
    const old = checkKernel("5.4.0-150-generic");
    assert.deepEqual([old.ok, old.required], [false, true]);
    assert.match(old.detail, /older than 5\.8/);
  });

  test("TCX from 6.6; before that only a warning, since clsact still works", () => {
    assert.equal(checkTcx("6.6.0").ok, true);
    const old = checkTcx("6.1.0-26-amd64");
    assert.deepEqual([old.ok, old.required], [false, false]);
    assert.match(old.detail, /clsact/);
  });

  test("missing BTF fails a required check and names the kernel option", () => {
    const r = checkBtf("/nonexistent/vmlinux");
    assert.deepEqual([r.ok, r.required], [false, true]);
    assert.match(r.fix ?? "", /CONFIG_DEBUG_INFO_BTF/);
  });

  test("this kernel has BTF", () => {
    assert.equal(checkBtf().ok, true);
  });

  test("unprivileged_bpf_disabled is reported with its meaning and never fails", () => {
    const dir = tempDir("rfm-doctor-");
    const expected: Record<string, RegExp> = { "0": /= 0 \(unprivileged BPF allowed\)/, "1": /= 1 .*until reboot/, "2": /= 2 \(unprivileged BPF disabled\)/ };
    for (const [value, meaning] of Object.entries(expected)) {
      const path = join(dir, `v${value}`);
      writeFileSync(path, `${value}\n`);
      const r = checkUnprivilegedBpf(path);
      assert.deepEqual([r.ok, r.required], [true, false]);
      assert.match(r.detail, meaning);
    }
    assert.match(checkUnprivilegedBpf(join(dir, "absent")).detail, /not present/);
  });
});
