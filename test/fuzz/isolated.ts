// Runs a campaign in a worker thread, so that a case that never returns (an
// infinite loop) or a decoder that eats the heap is reported as a finding
// instead of stalling or killing the bench and the test run. The heap the
// campaign reports is then the worker's alone.
import { Worker } from "node:worker_threads";
import { caseInput, factoryOf, type CampaignOptions, type CampaignResult } from "./campaign.js";
import type { Finding } from "./finding.js";

export interface IsolationOptions {
  /** A case still running after this long is stopped and reported as a hang (default 10 s). */
  stallMs?: number;
  /** V8 old-space cap of the worker (default 1024 MiB): past it the campaign ends with a crash finding. */
  maxHeapMb?: number;
}

export function runIsolated(o: CampaignOptions, iso: IsolationOptions = {}): Promise<CampaignResult> {
  const stallMs = iso.stallMs ?? 10_000;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  progress[0] = o.from ?? 0;
  const worker = new Worker(new URL("./worker.js", import.meta.url), {
    workerData: { options: o, progress: progress.buffer },
    resourceLimits: { maxOldGenerationSizeMb: iso.maxHeapMb ?? 1024 },
  });
  return new Promise<CampaignResult>((resolve, reject) => {
    let settled = false;
    let seen = -1;
    let since = Date.now();
    const finish = (r: CampaignResult | Error | Promise<CampaignResult>) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    // The case the worker is in, checked four times a second: one that has not moved on for stallMs never returns.
    const watch = setInterval(() => {
      const at = Atomics.load(progress, 0);
      if (at !== seen) {
        seen = at;
        since = Date.now();
      } else if (Date.now() - since > stallMs) {
        finish(stopped(o, at, "hang", Date.now() - since, `still running after ${stallMs} ms: stopped`));
      }
    }, 250);
    worker.once("message", (r: CampaignResult) => finish(r));
    worker.once("error", (e: Error & { code?: string }) => {
      // Out of memory is the decoder's doing; anything else is the engine's.
      if (e.code === "ERR_WORKER_OUT_OF_MEMORY") finish(stopped(o, Atomics.load(progress, 0), "crash", 0, `${e.name}: ${e.message}`));
      else finish(e);
    });
    worker.once("exit", (code) => finish(new Error(`fuzz worker for ${o.target} exited with code ${code} before it reported`)));
  });
}

/** The result of a campaign cut short at case `at`: that case is the finding, the cases before it ran clean or were lost with the worker. */
async function stopped(o: CampaignOptions, at: number, kind: Finding["kind"], ms: number, error: string): Promise<CampaignResult> {
  const finding: Finding = { kind, target: o.target, seed: o.seed, caseIndex: at, error, ms, input: caseInput(await factoryOf(o), o.target, o.seed, at) };
  return {
    target: o.target,
    seed: o.seed,
    cases: at - (o.from ?? 0) + 1,
    seconds: NaN,
    crashes: kind === "crash" ? 1 : 0,
    hangs: kind === "hang" ? 1 : 0,
    peakHeapBytes: NaN,
    findings: [finding],
    reached: {},
  };
}
