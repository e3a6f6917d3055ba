// Runs the compiled CLI as a child process, the way a user does.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.js");

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * Runs `rfm ARGS` to completion (killed after timeoutMs). `wrap` prefixes the
 * argv (capsh, setpriv...); `cli` is another copy of the entry point.
 */
export function runCli(args: string[], opts: { timeoutMs?: number; wrap?: string[]; env?: NodeJS.ProcessEnv; cli?: string } = {}): Promise<CliResult> {
  const argv = [...(opts.wrap ?? []), process.execPath, opts.cli ?? CLI, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
  return collect(child, opts.timeoutMs ?? 20_000);
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${timeoutMs} ms; stdout=${stdout} stderr=${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves once `pattern` shows up on the child's stderr. */
export function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        resolve(seen);
      }
    };
    child.stderr?.on("data", onData);
    child.on("exit", () => {
      clearTimeout(timer);
      reject(new Error(`exited before ${pattern}: ${seen}`));
    });
  });
}
