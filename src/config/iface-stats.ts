// Size of the per-interface statistics map when the config leaves it at 0 (auto).

import type { Config } from "./schema/config.js";

// Patterns are regexes, so one pattern can match many interfaces: leave room
// for 8 per pattern, and never fewer than 64 entries.
const ENTRIES_PER_PATTERN = 8;
const MIN_ENTRIES = 64;

export function effectiveIfaceStatsSize(config: Config): number {
  const configured = config.agent.bpf.iface_stats_size;
  if (configured !== 0) return configured;
  return Math.max(config.agent.interfaces.length * ENTRIES_PER_PATTERN, MIN_ENTRIES);
}
