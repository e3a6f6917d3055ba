// Size of the per-interface statistics map when the config leaves it at 0 (auto).

import type { Config } from "./schema/config.js";

// Interfaces of the agent's own namespace with an ifindex below 1024 count in
// array slots; the hash holds the rest: interfaces in other namespaces (from
// namespace patterns or `rfm meter attach --netns`) and large ifindexes. Each
// interface takes up to 6 entries. Patterns are regexes, so one can match many
// interfaces: leave room for 8 entries per pattern, 256 per namespace pattern,
// and never fewer than 1024 (~170 interfaces attached by hand).
const ENTRIES_PER_PATTERN = 8;
const ENTRIES_PER_NAMESPACE_PATTERN = 256;
const MIN_ENTRIES = 1024;

export function effectiveIfaceStatsSize(config: Config): number {
  const configured = config.agent.bpf.iface_stats_size;
  if (configured !== 0) return configured;
  const patterns = config.agent.interfaceMatcher.patterns;
  const wanted = patterns.reduce((n, p) => n + (p.netns ? ENTRIES_PER_NAMESPACE_PATTERN : ENTRIES_PER_PATTERN), 0);
  return Math.max(wanted, MIN_ENTRIES);
}
