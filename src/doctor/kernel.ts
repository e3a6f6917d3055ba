// Kernel facts the agent depends on: version (ring buffer, TCX), BTF and the
// unprivileged BPF sysctl.
import { release } from "node:os";
import { readFileSync, statSync } from "node:fs";
import type { CheckResult } from "./check.js";

export interface KernelVersion { major: number; minor: number; patch: number }

/** BPF ring buffer and CAP_BPF arrived in 5.8; the object uses both. */
export const MIN_KERNEL: KernelVersion = { major: 5, minor: 8, patch: 0 };
/** TCX links (BPF_LINK_TYPE_TCX) arrived in 6.6; older kernels use clsact. */
export const TCX_KERNEL: KernelVersion = { major: 6, minor: 6, patch: 0 };

export const BTF_PATH = "/sys/kernel/btf/vmlinux";
export const UNPRIVILEGED_BPF_PATH = "/proc/sys/kernel/unprivileged_bpf_disabled";

/** "6.18.44-fc-v509" -> 6.18.44; a missing patch level counts as 0. */
export function parseKernelRelease(rel: string): KernelVersion {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(rel);
  if (!m) throw new Error(`unrecognised kernel release ${JSON.stringify(rel)}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function atLeast(v: KernelVersion, min: KernelVersion): boolean {
  if (v.major !== min.major) return v.major > min.major;
  if (v.minor !== min.minor) return v.minor > min.minor;
  return v.patch >= min.patch;
}

const show = (v: KernelVersion) => `${v.major}.${v.minor}`;

export function checkKernel(rel: string = release()): CheckResult {
  const ok = atLeast(parseKernelRelease(rel), MIN_KERNEL);
  return {
    name: "kernel",
    ok,
    required: true,
    detail: ok ? rel : `${rel} is older than ${show(MIN_KERNEL)} (BPF ring buffer, CAP_BPF)`,
    ...(ok ? {} : { fix: `upgrade to kernel ${show(MIN_KERNEL)} or newer` }),
  };
}

/** Absent TCX is a warning only: the agent falls back to clsact. */
export function checkTcx(rel: string = release()): CheckResult {
  const ok = atLeast(parseKernelRelease(rel), TCX_KERNEL);
  return {
    name: "tcx",
    ok,
    required: false,
    detail: ok ? `TCX links available (kernel >= ${show(TCX_KERNEL)})` : `no TCX before ${show(TCX_KERNEL)}: programs attach through clsact`,
    ...(ok ? {} : { fix: `kernel ${show(TCX_KERNEL)}+ for TCX links (clsact works meanwhile)` }),
  };
}

export function checkBtf(path: string = BTF_PATH): CheckResult {
  try {
    const size = statSync(path).size;
    return { name: "btf", ok: true, required: true, detail: `${path} (${size} bytes)` };
  } catch {
    return {
      name: "btf",
      ok: false,
      required: true,
      detail: `${path} missing: CO-RE relocations need kernel BTF`,
      fix: "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian's default kernels are)",
    };
  }
}

const UNPRIVILEGED_BPF_MEANING: Record<string, string> = {
  "0": "unprivileged BPF allowed",
  "1": "unprivileged BPF disabled until reboot",
  "2": "unprivileged BPF disabled",
};

/** Informational: the agent runs privileged either way. */
export function checkUnprivilegedBpf(path: string = UNPRIVILEGED_BPF_PATH): CheckResult {
  let value: string;
  try {
    value = readFileSync(path, "utf8").trim();
  } catch {
    return { name: "unprivileged_bpf", ok: true, required: false, detail: `${path} not present` };
  }
  const meaning = UNPRIVILEGED_BPF_MEANING[value] ?? "unknown value";
  return { name: "unprivileged_bpf", ok: true, required: false, detail: `kernel.unprivileged_bpf_disabled = ${value} (${meaning})` };
}
