// [agent.bpf]: how the eBPF programs sample packets and hand flows to userspace.

import * as v from "valibot";
import { boolean, checkedString, integer, oneOf, positiveU32, table, U32_MAX } from "../fields.js";
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

const pinPath = checkedString("a string", (p) =>
  p === "" || isAbsolute(p) ? undefined : `must be an absolute path (or "" to not pin), found ${JSON.stringify(p)}`,
);

export const bpfSchema = v.pipe(
  table({
    sample_rate: v.optional(positiveU32(), 100n),
    ring_buf_size: v.optional(integer(0, MAX_RING_BUF_SIZE, ringBufSizeProblem), 262_144n),
    // 0: automatic, a quarter of the ring's capacity (see effectiveWakeupBatch).
    wakeup_batch: v.optional(integer(0, U32_MAX), 0n),
    // "tick" reads CLOCK_BOOTTIME once per kernel tick and CPU; "precise" once per event.
    timestamps: v.optional(oneOf(["tick", "precise"]), "tick"),
    iface_stats_size: v.optional(integer(0, U32_MAX), 0n),
    adaptive_sampling: v.optional(boolean(), false),
    // Optional here so its default can follow sample_rate (see below).
    max_sample_rate: v.optional(positiveU32()),
    pin_path: v.optional(pinPath, ""),
    // TCX needs Linux 6.6; "clsact" forces the older tc hook (also how the fallback is tested).
    attach_mode: v.optional(oneOf(["auto", "tcx", "clsact"]), "auto"),
  }),
  // Runs even when other keys of the table are wrong: it needs only its two, parsed.
  v.rawCheck(({ dataset, addIssue }) => {
    const bpf = dataset.value as { sample_rate?: unknown; max_sample_rate?: unknown };
    const { sample_rate: rate, max_sample_rate: max } = bpf;
    if (typeof rate !== "number" || typeof max !== "number" || max >= rate) return;
    addIssue({
      message: `must be at least agent.bpf.sample_rate (${rate}), found ${max}`,
      path: [{ type: "object", origin: "value", input: bpf, key: "max_sample_rate", value: max }],
    });
  }),
  // Without an explicit max_sample_rate, a sample_rate above 1000 would be an
  // error for users who never enabled adaptive sampling; raise the default instead.
  v.transform((bpf) => ({
    ...bpf,
    max_sample_rate: bpf.max_sample_rate ?? Math.max(DEFAULT_MAX_SAMPLE_RATE, bpf.sample_rate),
  })),
);
