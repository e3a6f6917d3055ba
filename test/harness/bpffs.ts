// Pinning needs a bpf filesystem at /sys/fs/bpf; a fresh container may not
// have one mounted.
import { execFileSync } from "node:child_process";
import { statfsSync } from "node:fs";

const BPF_FS_MAGIC = 0xcafe4a11;

/** Mounts bpffs at /sys/fs/bpf unless it is there already. */
export function ensureBpffs(): void {
  if (statfsSync("/sys/fs/bpf").type !== BPF_FS_MAGIC) execFileSync("mount", ["-t", "bpf", "bpf", "/sys/fs/bpf"]);
}
