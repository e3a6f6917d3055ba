// The agent as operators run it: `rfm agent -c FILE` in a process of its own,
// its config written by the test, its metrics scraped over HTTP, stopped by a
// signal. Killed after the test if it is still running.
import type { TestContext } from "node:test";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, collect, waitForStderr, type CliResult } from "../cli/run-cli.js";
import { freePort } from "../harness/ports.js";

export interface AgentProcess {
  child: ChildProcess;
  config: string;
  metricsPort: number;
  /** Settles when the process exits (killed after 5 minutes at most). */
  exited: Promise<CliResult>;
  scrape(): Promise<string>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** Writes DIR/NAME.toml: `toml` (the [agent] tables) plus metrics on 127.0.0.1 at a free port. */
export async function agentConfig(dir: string, name: string, toml: string): Promise<{ path: string; metricsPort: number }> {
  const metricsPort = await freePort("127.0.0.1");
  const path = join(dir, `${name}.toml`);
  writeFileSync(path, `${toml}\n[agent.prometheus]\nhost = "127.0.0.1"\nport = ${metricsPort}\n`);
  return { path, metricsPort };
}

/** Starts `rfm agent -c config` and resolves once it logged "agent started". */
export async function startAgentProcess(t: TestContext, config: { path: string; metricsPort: number }): Promise<AgentProcess> {
  const child = spawn(process.execPath, [CLI, "agent", "-c", config.path], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = collect(child, 300_000);
  exited.catch(() => undefined); // a start that fails is reported by waitForStderr
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  await waitForStderr(child, /agent started/, 20_000);
  return {
    child,
    config: config.path,
    metricsPort: config.metricsPort,
    exited,
    async scrape() {
      const res = await fetch(`http://127.0.0.1:${config.metricsPort}/metrics`);
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      child.kill(signal);
      return exited;
    },
  };
}
