// iproute2 without a shell: argv arrays through execFile, several commands in
// one process through `ip -batch -`.
import { execIn, execOk, type ExecResult, type Netns } from "./exec.js";

const IP_TIMEOUT_MS = 15_000;

function nsArgs(ns: Netns): string[] {
  return ns === null ? [] : ["-n", ns];
}

/** `ip [-n ns] args...`; throws with ip's stderr on failure. */
export async function ip(ns: Netns, args: string[]): Promise<string> {
  return (await execOk(null, ["ip", ...nsArgs(ns), ...args], { timeoutMs: IP_TIMEOUT_MS })).stdout;
}

/** Like ip(), returning the result instead of throwing. */
export async function ipTry(ns: Netns, args: string[]): Promise<ExecResult> {
  return execIn(null, ["ip", ...nsArgs(ns), ...args], { timeoutMs: IP_TIMEOUT_MS });
}

/** `ip -j [-n ns] args...` parsed. */
export async function ipJson<T>(ns: Netns, args: string[]): Promise<T> {
  const out = await ip(ns, ["-j", ...args]);
  return JSON.parse(out === "" ? "[]" : out) as T;
}

/**
 * Runs several commands (argv arrays without the leading `ip`) in one
 * `ip -batch -` process, stopping at the first failure. Batch lines are split
 * on whitespace, so arguments must not contain any.
 */
export async function ipBatch(ns: Netns, commands: string[][]): Promise<void> {
  for (const arg of commands.flat()) {
    if (arg === "" || /\s/.test(arg)) throw new Error(`ip batch argument ${JSON.stringify(arg)} is empty or has whitespace`);
  }
  const input = commands.map((c) => c.join(" ")).join("\n") + "\n";
  await execOk(null, ["ip", ...nsArgs(ns), "-batch", "-"], { timeoutMs: IP_TIMEOUT_MS, input });
}
