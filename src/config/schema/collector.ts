// [agent.collector]: the userspace flow table and when flows are exported.

import { duration, integer, table, U32_MAX } from "../fields.js";

const SECOND = 1000;

export const collectorSchema = table({
  max_flows: integer(1, U32_MAX).default(65_536),
  eviction_timeout: duration(SECOND).prefault("30s"),
  active_timeout: duration(SECOND, { zeroDisables: true }).prefault("60s"),
});
