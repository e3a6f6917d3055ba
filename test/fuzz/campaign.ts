// One fuzz campaign: cases [from, to) of a target, each input regenerated from
// (seed, case index), run against the decoder, timed, and checked. Counts
// crashes and hangs, keeps the first few as findings, samples the heap.
import { getHeapStatistics } from "node:v8";
import { errorText, type Finding } from "./finding.js";
import { Mutator } from "./mutator.js";
import { Prng } from "./prng.js";
import type { FuzzTarget } from "./target.js";
import { createTarget } from "./targets/index.js";

/** Makes a target by name: the registry (targets/index.ts), or another module's for the engine's own tests. */
export type TargetFactory = (name: string) => FuzzTarget;

/** A case slower than this is a hang (after it was slow twice more: one GC pause or preemption is not). */
export const HANG_MS = 100;
const HEAP_SAMPLE_EVERY = 1024;

export interface CampaignOptions {
  target: string;
  seed: number;
  /** First case (default 0) and the case after the last. */
  from?: number;
  to: number;
  /** Findings kept, first first (default 5); the counts cover all. */
  keep?: number;
  /** URL of a module exporting createTarget (a TargetFactory) other than the registry. */
  targets?: string;
}

export interface CampaignResult {
  target: string;
  seed: number;
  cases: number;
  seconds: number;
  crashes: number;
  hangs: number;
  /** Highest V8 used-heap size sampled (every 1024 cases and at the end), bytes. */
  peakHeapBytes: number;
  findings: Finding[];
  /** What the cases reached, by the target's names (problem codes, outcomes). */
  reached: Record<string, number>;
}

/** The factory a campaign's options name. */
export async function factoryOf(o: CampaignOptions): Promise<TargetFactory> {
  return o.targets === undefined ? createTarget : ((await import(o.targets)) as { createTarget: TargetFactory }).createTarget;
}

/** The input of one case, as the campaign gave it to the decoder. */
export function caseInput(create: TargetFactory, targetName: string, seed: number, index: number): Uint8Array {
  const target = create(targetName);
  const rng = new Prng();
  rng.reseed(seed, index);
  return new Mutator(target.seeds, target.mutator).input(index, rng).slice();
}

/**
 * Runs the campaign in this thread. `progress[0]` is kept at the case being
 * run, so a watchdog in another thread can tell a case that never returns.
 */
export async function runCampaign(o: CampaignOptions, progress?: Int32Array): Promise<CampaignResult> {
  const target = (await factoryOf(o))(o.target);
  const mutator = new Mutator(target.seeds, target.mutator);
  const rng = new Prng();
  const from = o.from ?? 0;
  const keep = o.keep ?? 5;
  const findings: Finding[] = [];
  let crashes = 0;
  let hangs = 0;
  let peak = usedHeap();
  const started = performance.now();
  for (let i = from; i < o.to; i++) {
    if (i === from || i % target.epoch === 0) target.reset();
    if (progress) Atomics.store(progress, 0, i);
    rng.reseed(o.seed, i);
    const input = mutator.input(i, rng);
    // Inline rather than in a helper: an async call per case would allocate a promise per case.
    let t0 = performance.now();
    let error: string | undefined;
    try {
      const pending = target.run(input, rng);
      if (pending !== undefined) await pending;
    } catch (e) {
      error = errorText(e);
    }
    let ms = performance.now() - t0;
    // Slow twice more on the same input (and the same case stream) before it counts: one GC pause or preemption is no hang.
    for (let again = 0; again < 2 && error === undefined && ms > HANG_MS; again++) {
      rng.reseed(o.seed, i);
      const retry = mutator.input(i, rng);
      t0 = performance.now();
      try {
        const pending = target.run(retry, rng);
        if (pending !== undefined) await pending;
      } catch (e) {
        error = errorText(e);
      }
      ms = Math.min(ms, performance.now() - t0);
    }
    if (error !== undefined || ms > HANG_MS) {
      const kind = error !== undefined ? "crash" : "hang";
      if (kind === "crash") crashes++;
      else hangs++;
      if (findings.length < keep) {
        rng.reseed(o.seed, i);
        const bytes = mutator.input(i, rng).slice();
        findings.push({ kind, target: o.target, seed: o.seed, caseIndex: i, error: error ?? `${ms.toFixed(1)} ms for one case (limit ${HANG_MS} ms)`, ms, input: bytes });
      }
    }
    if ((i & (HEAP_SAMPLE_EVERY - 1)) === 0) peak = Math.max(peak, usedHeap());
  }
  peak = Math.max(peak, usedHeap());
  return {
    target: o.target,
    seed: o.seed,
    cases: o.to - from,
    seconds: (performance.now() - started) / 1000,
    crashes,
    hangs,
    peakHeapBytes: peak,
    findings,
    reached: Object.fromEntries(target.reached),
  };
}

function usedHeap(): number {
  return getHeapStatistics().used_heap_size;
}
