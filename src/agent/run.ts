// `rfm agent`: the process around the pipeline (agent.ts). Startup order:
// config -> privileges -> BPF object (verifier) -> ring drain, interface
// watcher -> metrics port. SIGINT/SIGTERM: detach, flush, exit 0; a fatal
// pipeline error exits 1.
import { loadConfigFile, ConfigError, formatIssue, type LoadedConfig } from "../config/index.js";
import { canEnterNamespaces, missingAgentCapabilities } from "../doctor/capabilities.js";
import { Agent, linkName } from "./agent.js";
import { isBpfError } from "../bpf/addon.js";
import { log } from "../log/logger.js";
import { VERSION } from "../version.js";

export interface AgentOptions {
  configPath: string;
  /** Overrides the BPF object (tests). */
  objectPath?: string;
}

/** Runs until SIGINT/SIGTERM; resolves with the process exit code. */
export async function runAgent(opts: AgentOptions): Promise<number> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfigFile(opts.configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const issue of e.issues) process.stderr.write(`rfm: ${formatIssue(e.source, issue)}\n`);
      return 1;
    }
    throw e;
  }
  for (const w of loaded.warnings) log.warn(w);
  const { config } = loaded;

  const missing = missingAgentCapabilities();
  if (missing.length > 0) {
    process.stderr.write(
      `rfm: missing capabilities ${missing.join(", ")}: run as root or grant them ` +
        `(systemd AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON, or setpriv --inh-caps/--ambient-caps)\n`,
    );
    return 1;
  }
  const nsPattern = config.agent.interfaceMatcher.patterns.find((p) => p.netns);
  if (nsPattern && !canEnterNamespaces()) {
    process.stderr.write(
      `rfm: agent.interfaces pattern "${nsPattern.source}" names network namespaces, and entering them needs CAP_SYS_ADMIN ` +
        `as well: run as root, grant it, or meter only the agent's own namespace\n`,
    );
    return 1;
  }

  const bpf = config.agent.bpf;
  let fatal: ((e: Error) => void) | undefined;
  const fatalError = new Promise<Error>((resolve) => (fatal = resolve));
  let agent: Agent;
  try {
    agent = new Agent({ config, configText: loaded.text, ...(opts.objectPath ? { objectPath: opts.objectPath } : {}), onFatal: (e) => fatal?.(e) });
  } catch (e) {
    process.stderr.write(`rfm: cannot load the BPF programs: ${e instanceof Error ? e.message : String(e)}\n`);
    if (isBpfError(e) && e.verifierLog) process.stderr.write(`verifier log (tail):\n${e.verifierLog}\n`);
    return 1;
  }
  try {
    await agent.start();
  } catch (e) {
    process.stderr.write(`rfm: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
    await agent.stop();
    return 1;
  }
  log.info("agent started", {
    version: VERSION,
    config: loaded.source,
    sample_rate: bpf.sample_rate,
    ring_buf_size: bpf.ring_buf_size,
    interfaces: config.agent.interfaces.join(","),
    attached: agent.metering.links().map(linkName).join(","),
    metrics: agent.metricsAddress ? `[${agent.metricsAddress.host}]:${agent.metricsAddress.port}` : "off",
  });

  const outcome = await Promise.race([waitForSignal(), fatalError]);
  if (outcome instanceof Error) {
    process.stderr.write(`rfm: ${outcome.message}\n`);
    await agent.stop();
    return 1;
  }
  log.info("agent stopping", { signal: outcome });
  await agent.stop();
  return 0;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    // The timer keeps the event loop alive until a signal arrives.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const done = (sig: NodeJS.Signals) => {
      clearInterval(keepAlive);
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve(sig);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
