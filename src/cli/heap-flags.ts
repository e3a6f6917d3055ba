// The shebang's V8 flags size the heap for the agent (see main.ts). A command
// that moves data at rate runs several times slower under them: `rfm collect
// --pcap` decoded 300,000 records/s to discard with them and 1,100,000
// without (bench/collect), a 1 MiB semi-space collecting every few hundred
// records and --optimize-for-size keeping hot code unoptimised; a worker's
// own young generation won back little. V8 reads these flags only at start,
// so such a command starts itself again without them: execve(2), the same
// process (PID, descriptors, capabilities, environment), not a child.
import { loadAddon } from "../bpf/addon.js";

export const AGENT_HEAP_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--optimize-for-size"];

/** Commands that run at rate, without the agent's heap flags. */
const AT_RATE = new Set(["collect"]);

/** Restarts the process without the agent's heap flags when `argv` (after the script) names such a command; returns when there is nothing to do or the restart cannot be made. */
export function restartWithoutAgentHeapFlags(argv: readonly string[]): void {
  if (!AT_RATE.has(argv[0] ?? "")) return;
  const kept = process.execArgv.filter((f) => !AGENT_HEAP_FLAGS.includes(f));
  if (kept.length === process.execArgv.length) return;
  try {
    loadAddon().execve(process.execPath, [process.execPath, ...kept, process.argv[1]!, ...argv]);
  } catch (e) {
    // Not fatal: the command works under the agent's flags, only slower.
    process.stderr.write(`rfm: running ${argv[0]} under the agent's heap flags (${(e as Error).message})\n`);
  }
}
