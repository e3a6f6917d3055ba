// Is a BPF filesystem mounted at /sys/fs/bpf? Only pinning maps needs it.
import { readFileSync } from "node:fs";
import type { CheckResult } from "./check.js";

export const BPFFS_PATH = "/sys/fs/bpf";

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points of every bpf filesystem in a /proc/<pid>/mountinfo text. */
export function bpffsMountPoints(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split("\n")) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const fields = line.split(" ");
    const sep = fields.indexOf("-");
    if (sep < 6 || fields[sep + 1] !== "bpf") continue;
    const point = fields[4];
    if (point !== undefined) points.push(unescapeMountField(point));
  }
  return points;
}

export function checkBpffs(mountinfo: string = readFileSync("/proc/self/mountinfo", "utf8")): CheckResult {
  const points = bpffsMountPoints(mountinfo);
  if (points.includes(BPFFS_PATH)) {
    return { name: "bpffs", ok: true, required: false, detail: `mounted at ${BPFFS_PATH}` };
  }
  const elsewhere = points.length > 0 ? ` (bpf mounted at ${points.join(", ")})` : "";
  return {
    name: "bpffs",
    ok: false,
    required: false,
    detail: `not mounted at ${BPFFS_PATH}${elsewhere}; needed only to pin maps (pin_path)`,
    fix: `mount -t bpf bpf ${BPFFS_PATH}`,
  };
}
