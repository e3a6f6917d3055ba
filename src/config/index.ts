// The config module's public surface.

export {
  DEFAULT_CONFIG_PATH, loadAnyConfigFile, loadCollectConfigFile, loadConfigFile, parseAnyConfig, parseCollectConfig, parseConfig,
  type Loaded, type LoadedAnyConfig, type LoadedCollectConfig, type LoadedConfig,
} from "./load.js";
export { ConfigError, formatIssue, type ConfigIssue } from "./issues.js";
export { formatDuration, parseDuration } from "./duration.js";
export { effectiveIfaceStatsSize } from "./iface-stats.js";
export { effectiveQueueSize } from "./queue-size.js";
export { effectiveWakeupBatch } from "./wakeup-batch.js";
export type { IpfixBind, IpfixTarget } from "./ipfix-targets.js";
export { InterfaceMatcher } from "./interface-matcher.js";
export { anyFileSchema, collectFileSchema, configSchema } from "./schema/config.js";
export type { AgentConfig, AnyFile, BpfConfig, CollectConfig, CollectFile, CollectorConfig, Config, ConfiguredListener, IpfixConfig, LogConfig, PrometheusConfig } from "./schema/config.js";
export { effectiveWorkers, listenerKey, listenerPort, needsOneThread } from "./schema/collect.js";
export type { BmpConfig, BmpListen, EnrichConfig, MmdbConfig, RibConfig } from "./schema/enrich.js";
