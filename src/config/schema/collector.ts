// [agent.collector]: the userspace flow table and when flows are exported.

import * as v from "valibot";
import { duration, integer, table, U32_MAX } from "../fields.js";

const SECOND = 1000;

export const collectorSchema = table({
  max_flows: v.optional(integer(1, U32_MAX), 65_536n),
  eviction_timeout: v.optional(duration(SECOND), "30s"),
  active_timeout: v.optional(duration(SECOND, { zeroDisables: true }), "60s"),
});
