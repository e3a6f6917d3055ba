// Capacity of the IPFIX export queue when the config leaves it at 0 (auto).

import type { Config } from "./schema/config.js";

// Room for every tracked flow, so an eviction sweep of a full table can be
// queued at once; small tables still get a useful buffer.
const MIN_ENTRIES = 4096;

export function effectiveQueueSize(config: Config): number {
  const configured = config.agent.ipfix.queue_size;
  if (configured !== 0) return configured;
  return Math.max(config.agent.collector.max_flows, MIN_ENTRIES);
}
