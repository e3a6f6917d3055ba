// Effective capabilities of this process, decoded from CapEff in
// /proc/self/status. The agent reuses missingAgentCapabilities() to refuse to
// start without privileges; the doctor reports the same verdict.
import { readFileSync } from "node:fs";
import type { CheckResult } from "./check.js";

/** Capability names by bit number (linux/capability.h, up to 6.x). */
const CAPABILITY_NAMES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
] as const;

/** Name of a capability bit; bits newer than this table are named by number. */
export function capabilityName(bit: number): string {
  return CAPABILITY_NAMES[bit] ?? `CAP_${bit}`;
}

/** Decodes a CapEff hex mask ("000001ffffffffff") into capability names. */
export function parseCapabilityMask(hex: string): Set<string> {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw new Error(`not a capability mask: ${JSON.stringify(hex)}`);
  let mask = BigInt(`0x${hex}`);
  const caps = new Set<string>();
  for (let bit = 0; mask !== 0n; bit++, mask >>= 1n) {
    if (mask & 1n) caps.add(capabilityName(bit));
  }
  return caps;
}

/** The CapEff field of a /proc/<pid>/status text. */
export function capEffFromStatus(status: string): string {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (!m?.[1]) throw new Error("no CapEff line in the process status");
  return m[1];
}

export function effectiveCapabilities(status: string = readFileSync("/proc/self/status", "utf8")): Set<string> {
  return parseCapabilityMask(capEffFromStatus(status));
}

/**
 * The agent's capabilities that `caps` lacks, in a fixed order. CAP_SYS_ADMIN
 * stands in for CAP_BPF and CAP_PERFMON because the kernel accepts it for both
 * (bpf_capable(), perfmon_capable()).
 */
export function missingAgentCapabilities(caps: Set<string> = effectiveCapabilities()): string[] {
  const admin = caps.has("CAP_SYS_ADMIN");
  const missing: string[] = [];
  if (!caps.has("CAP_BPF") && !admin) missing.push("CAP_BPF");
  if (!caps.has("CAP_NET_ADMIN")) missing.push("CAP_NET_ADMIN");
  if (!caps.has("CAP_PERFMON") && !admin) missing.push("CAP_PERFMON");
  return missing;
}

/**
 * Entering another network namespace (setns, for its rtnetlink socket and its
 * TCX links) needs CAP_SYS_ADMIN: the only extra capability namespace
 * metering asks for. True when it is there.
 */
export function canEnterNamespaces(caps: Set<string> = effectiveCapabilities()): boolean {
  return caps.has("CAP_SYS_ADMIN");
}

export function checkCapabilities(caps: Set<string> = effectiveCapabilities()): CheckResult {
  const missing = missingAgentCapabilities(caps);
  if (missing.length === 0) {
    return { name: "capabilities", ok: true, required: true, detail: "CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON effective" };
  }
  return {
    name: "capabilities",
    ok: false,
    required: true,
    detail: `missing ${missing.join(", ")}`,
    fix:
      "run as root, or grant them: systemd AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON, " +
      "or setcap cap_bpf,cap_net_admin,cap_perfmon+ep on a node binary used only by rfm",
  };
}

/** Not required: only metering inside other network namespaces needs it. */
export function checkNamespaceCapability(caps: Set<string> = effectiveCapabilities()): CheckResult {
  if (canEnterNamespaces(caps)) return { name: "netns", ok: true, required: false, detail: "CAP_SYS_ADMIN effective: interfaces in other network namespaces can be metered" };
  return {
    name: "netns",
    ok: false,
    required: false,
    detail: "no CAP_SYS_ADMIN: NETNS/IF patterns and rfm meter attach --netns cannot enter other network namespaces",
    fix: "grant CAP_SYS_ADMIN as well (or run as root) if the agent must meter interfaces in other namespaces",
  };
}
