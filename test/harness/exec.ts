// Running commands inside a network namespace (`ip netns exec NS argv...`,
// which execs argv in place, so the child pid is the command itself). Every
// child leads its own process group, so a timeout or a cleanup also kills
// whatever it forked.
import { spawn, type ChildProcess } from "node:child_process";

/** A namespace name, or HOST_NS for the namespace the tests run in. */
export type Netns = string | null;
export const HOST_NS: Netns = null;

export const DEFAULT_EXEC_TIMEOUT_MS = 30_000;

export interface ExecOptions {
  /** Kill the whole process group after this long (default 30 s). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Sees the child as soon as it starts (the lab tracks it for cleanup). */
  onSpawn?: (proc: NetnsProcess) => void;
}

export interface ExecResult {
  argv: string[];
  /** Exit status, null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class ExecError extends Error {
  constructor(readonly result: ExecResult) {
    const how = result.timedOut ? "timed out" : result.code !== null ? `exited ${result.code}` : `killed by ${result.signal}`;
    super(`${result.argv.join(" ")} ${how}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ""}`);
    this.name = "ExecError";
  }
}

/** The argv that runs `argv` inside `ns`. */
export function inNetns(ns: Netns, argv: readonly string[]): string[] {
  return ns === null ? [...argv] : ["ip", "netns", "exec", ns, ...argv];
}

/** Kills a process group; a group that is already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Keep stdin as a pipe (`proc.child.stdin`); otherwise /dev/null. */
  stdin?: boolean;
}

/** A long-running child; its output accumulates until it exits. */
export class NetnsProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<ExecResult>;
  private out = "";
  private err = "";
  private killedByTimeout = false;
  private running = true;
  private readonly listeners = new Set<() => void>();

  constructor(readonly ns: Netns, readonly argv: string[], opts: SpawnOptions = {}) {
    const full = inNetns(ns, argv);
    const [cmd = "", ...args] = full;
    this.child = spawn(cmd, args, {
      detached: true, // own process group: see killGroup()
      stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
      env: opts.env ?? process.env,
    });
    this.child.stdout?.setEncoding("utf8").on("data", (s: string) => this.onOutput(() => (this.out += s)));
    this.child.stderr?.setEncoding("utf8").on("data", (s: string) => this.onOutput(() => (this.err += s)));
    this.exited = new Promise((resolve, reject) => {
      this.child.once("error", (e) => {
        this.running = false;
        reject(e);
      });
      this.child.once("close", (code, signal) => {
        this.running = false;
        this.notify();
        resolve({ argv: full, code, signal, stdout: this.out, stderr: this.err, timedOut: this.killedByTimeout });
      });
    });
    // Callers that never await `exited` must not produce an unhandled rejection.
    this.exited.catch(() => undefined);
    if (this.child.pid === undefined) {
      // spawn failed synchronously (ENOENT arrives as 'error'); keep a dummy pid.
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
    }
  }

  get isRunning(): boolean {
    return this.running;
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  /** Signals the whole process group (default SIGKILL). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.running && this.pid > 0) killGroup(this.pid, signal);
  }

  /** Kills after `ms` and marks the result timedOut. */
  killAfter(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (!this.running) return;
      this.killedByTimeout = true;
      this.kill("SIGKILL");
    }, ms);
  }

  /** Resolves with the first match of `re` in stdout; rejects on exit or timeout. */
  waitForOutput(re: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = re.exec(this.out);
        if (m) {
          done();
          resolve(m);
          return true;
        }
        if (!this.running) {
          done();
          reject(new Error(`${this.argv.join(" ")} exited before printing ${re}; stderr: ${this.err.trim()}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.argv.join(" ")} printed no ${re} within ${timeoutMs} ms; stdout: ${this.out.trim()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = () => void check();
      if (!check()) this.listeners.add(listener);
    });
  }

  private onOutput(append: () => void): void {
    append();
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** Runs argv in `ns` to completion (or timeout); never rejects on a non-zero exit. */
export async function execIn(ns: Netns, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const proc = new NetnsProcess(ns, argv, { stdin: opts.input !== undefined, ...(opts.env ? { env: opts.env } : {}) });
  opts.onSpawn?.(proc);
  if (opts.input !== undefined) proc.child.stdin?.end(opts.input);
  const timer = proc.killAfter(opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Like execIn, but a failure (non-zero exit, signal, timeout) throws ExecError. */
export async function execOk(ns: Netns, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await execIn(ns, argv, opts);
  if (r.code !== 0 || r.timedOut) throw new ExecError(r);
  return r;
}
