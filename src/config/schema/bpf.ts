// [agent.bpf]: how the eBPF programs sample packets and hand flows to userspace.

import { z } from "zod";
import { boolean, integer, positiveU32, string, table, U32_MAX } from "../fields.js";
import { describeValue } from "../toml-value.js";
import { isAbsolute } from "node:path";

const PAGE_SIZE = 4096;
const MAX_RING_BUF_SIZE = 2 ** 30;
export const DEFAULT_MAX_SAMPLE_RATE = 1000;

// BPF ring buffers must be a power-of-two number of pages.
function ringBufSizeProblem(n: number): string | undefined {
  if (n <= 0 || (n & (n - 1)) !== 0) {
    const lower = 2 ** Math.floor(Math.log2(Math.max(n, 1)));
    const nearest = n < PAGE_SIZE ? `${PAGE_SIZE}` : `${lower} or ${lower * 2}`;
    return `must be a power of two, found ${n} (nearest valid: ${nearest})`;
  }
  if (n % PAGE_SIZE !== 0) return `must be a multiple of the page size (${PAGE_SIZE}), found ${n}`;
  return undefined;
}

const pinPath = string().refine((p) => p === "" || isAbsolute(p), {
  error: (issue) => `must be an absolute path (or "" to not pin), found ${JSON.stringify(issue.input)}`,
});

// TCX needs Linux 6.6; "clsact" forces the older tc hook (also how the fallback is tested).
const ATTACH_MODES = ["auto", "tcx", "clsact"] as const;
const attachMode = z.enum(ATTACH_MODES, {
  error: (issue) =>
    typeof issue.input === "string"
      ? `must be one of ${ATTACH_MODES.map((m) => `"${m}"`).join(", ")}, found ${describeValue(issue.input)}`
      : `expected a string, found ${describeValue(issue.input)}`,
});

// "tick" reads CLOCK_BOOTTIME once per kernel tick and CPU; "precise" once per event.
const TIMESTAMPS = ["tick", "precise"] as const;
const timestamps = z.enum(TIMESTAMPS, {
  error: (issue) =>
    typeof issue.input === "string"
      ? `must be one of ${TIMESTAMPS.map((m) => `"${m}"`).join(", ")}, found ${describeValue(issue.input)}`
      : `expected a string, found ${describeValue(issue.input)}`,
});

export const bpfSchema = table({
  sample_rate: positiveU32().default(100),
  ring_buf_size: integer(0, MAX_RING_BUF_SIZE, ringBufSizeProblem).default(262_144),
  // 0: automatic, a quarter of the ring's capacity (see effectiveWakeupBatch).
  wakeup_batch: integer(0, U32_MAX).default(0),
  timestamps: timestamps.default("tick"),
  iface_stats_size: integer(0, U32_MAX).default(0),
  adaptive_sampling: boolean().default(false),
  // Optional here so its default can follow sample_rate (see below).
  max_sample_rate: positiveU32().optional(),
  pin_path: pinPath.default(""),
  attach_mode: attachMode.default("auto"),
})
  .superRefine(
    (bpf, ctx) => {
      if (bpf.max_sample_rate !== undefined && bpf.max_sample_rate < bpf.sample_rate) {
        ctx.addIssue({
          code: "custom",
          path: ["max_sample_rate"],
          message: `must be at least agent.bpf.sample_rate (${bpf.sample_rate}), found ${bpf.max_sample_rate}`,
        });
      }
    },
    // Zod skips refinements once any field failed; this check only needs its two
    // fields, so it still runs when other keys in the table are wrong.
    {
      when: (payload) => {
        const bpf = payload.value as Record<string, unknown> | null;
        return (
          typeof bpf === "object" && bpf !== null &&
          typeof bpf.sample_rate === "number" && typeof bpf.max_sample_rate === "number" &&
          !payload.issues.some((issue) => issue.path?.[0] === "sample_rate" || issue.path?.[0] === "max_sample_rate")
        );
      },
    },
  )
  // Without an explicit max_sample_rate, a sample_rate above 1000 would be an
  // error for users who never enabled adaptive sampling; raise the default instead.
  .transform((bpf) => ({
    ...bpf,
    max_sample_rate: bpf.max_sample_rate ?? Math.max(DEFAULT_MAX_SAMPLE_RATE, bpf.sample_rate),
  }));
