// Events waiting in the ring buffer that wake the agent, when the config leaves it at 0 (auto).

import { RING_RECORD_SIZE } from "../bpf/layout.js";
import type { Config } from "./schema/config.js";

/**
 * A quarter of the ring's capacity: few wakeups (one costs the kernel ~5 µs
 * here), and three quarters left to absorb the time the agent takes to wake.
 */
export function effectiveWakeupBatch(config: Config): number {
  const bpf = config.agent.bpf;
  return bpf.wakeup_batch || Math.max(1, Math.floor(bpf.ring_buf_size / 4 / RING_RECORD_SIZE));
}
