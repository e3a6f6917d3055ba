// `rfm agent`: the daemon's lifecycle. Startup order: config -> privileges ->
// BPF object (verifier) -> wait for a signal -> unload. Later stages (watcher,
// flow table, sinks) hang off this sequence.
import { loadConfigFile, ConfigError, formatIssue, effectiveIfaceStatsSize, type LoadedConfig } from "../config/index.js";
import { missingAgentCapabilities } from "../doctor/capabilities.js";
import { Datapath } from "../bpf/datapath.js";
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

  const bpf = config.agent.bpf;
  let dp: Datapath;
  try {
    dp = Datapath.open({
      ...(opts.objectPath ? { objectPath: opts.objectPath } : {}),
      ringBufSize: bpf.ring_buf_size,
      ifaceStatsSize: effectiveIfaceStatsSize(config),
      sampleRate: bpf.sample_rate,
      wakeupBatch: bpf.wakeup_batch,
      ...(bpf.pin_path ? { pinPath: bpf.pin_path } : {}),
    });
  } catch (e) {
    process.stderr.write(`rfm: cannot load the BPF programs: ${e instanceof Error ? e.message : String(e)}\n`);
    if (isBpfError(e) && e.verifierLog) process.stderr.write(`verifier log (tail):\n${e.verifierLog}\n`);
    return 1;
  }
  log.info("agent started", {
    version: VERSION,
    config: loaded.source,
    sample_rate: bpf.sample_rate,
    ring_buf_size: bpf.ring_buf_size,
    interfaces: config.agent.interfaces.join(","),
  });

  const signal = await waitForSignal();
  log.info("agent stopping", { signal });
  dp.close();
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
