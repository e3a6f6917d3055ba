// The config module's public surface.

export { DEFAULT_CONFIG_PATH, loadConfigFile, parseConfig, type LoadedConfig } from "./load.js";
export { ConfigError, formatIssue, type ConfigIssue } from "./issues.js";
export { formatDuration, parseDuration } from "./duration.js";
export { effectiveIfaceStatsSize } from "./iface-stats.js";
export { effectiveQueueSize } from "./queue-size.js";
export { effectiveWakeupBatch } from "./wakeup-batch.js";
export type { IpfixBind, IpfixTarget } from "./ipfix-targets.js";
export { InterfaceMatcher } from "./interface-matcher.js";
export { configSchema } from "./schema/config.js";
export type { AgentConfig, BpfConfig, CollectorConfig, Config, IpfixConfig, LogConfig, PrometheusConfig } from "./schema/config.js";
export type { BmpConfig, BmpListen, EnrichConfig, MmdbConfig, RibConfig } from "./schema/enrich.js";
