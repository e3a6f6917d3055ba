// The process's side of `--workers N`: N worker threads on one UDP port, the
// bytes they encode written to the run's single output (one stream, or the
// rotated files: chunks carry their window), their counters merged for the
// metrics and the summary. Memory stays bounded when the output falls
// behind: past `maxPendingChunks` waiting, further chunks are dropped and
// counted.
import { Worker } from "node:worker_threads";
import { ExporterCounters } from "../metrics/exporter-counters.js";
import type { CollectMetricsView } from "../metrics/collect-metrics.js";
import type { BatchWriter } from "../output/batch-writer.js";
import type { CollectorHeld } from "../collector.js";
import type { FromWorker, ToWorker, WorkerCounters, WorkerSettings } from "./messages.js";

const WORKER = new URL("./collect-worker.js", import.meta.url);

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly counters: (WorkerCounters | undefined)[];
  private writing: Promise<void> = Promise.resolve();
  private pending = 0;
  chunkDrops = 0;
  address: { address: string; port: number } | undefined;

  private constructor(private readonly writer: BatchWriter<unknown> | undefined, private readonly maxPendingChunks: number, n: number) {
    this.counters = new Array<WorkerCounters | undefined>(n);
  }

  /** Starts `n` workers; resolves once every one listens (the first picks the port when it is 0, the others share it). */
  static async start(n: number, settings: WorkerSettings, writer: BatchWriter<unknown> | undefined, maxPendingChunks = 256): Promise<WorkerPool> {
    if (writer && !writer.writeEncoded) throw new Error("this output cannot take encoded chunks");
    const pool = new WorkerPool(writer, maxPendingChunks, n);
    try {
      let port = settings.port;
      for (let i = 0; i < n; i++) {
        const at = await pool.spawn(i, { ...settings, port });
        port = at.port;
        pool.address ??= at;
      }
    } catch (e) {
      await pool.stop();
      throw e;
    }
    return pool;
  }

  private spawn(index: number, settings: WorkerSettings): Promise<{ address: string; port: number }> {
    // A young generation of its own: the process runs under the agent's V8 flags (a 1 MiB semi-space,
    // for the agent's memory budget), under which decoding ran at a third of its speed (bench/collect:
    // 285,000 against 830,000 records/s to discard), most of the difference spent collecting garbage.
    const w = new Worker(WORKER, { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    this.workers.push(w);
    return new Promise((resolve, reject) => {
      w.on("message", (m: FromWorker) => {
        if (m.type === "listening") resolve({ address: m.address, port: m.port });
        else if (m.type === "failed") reject(new Error(m.message));
        else if (m.type === "chunk") this.take(m.bytes, m.items, m.windowStart);
        else this.counters[index] = m.counters;
      });
      w.on("error", reject);
    });
  }

  private take(bytes: Uint8Array, items: number, windowStart: number): void {
    const w = this.writer;
    if (!w) return;
    if (this.pending >= this.maxPendingChunks) {
      this.chunkDrops++;
      return;
    }
    this.pending++;
    this.writing = this.writing.then(() => w.writeEncoded!(bytes, items, windowStart)).catch(() => undefined).finally(() => this.pending--);
  }

  /** Ends what a window that is over left open (on a timer). */
  tick(nowMs: number): void {
    const w = this.writer;
    if (w?.tick) this.writing = this.writing.then(() => w.tick!(nowMs)).catch(() => undefined);
  }

  /** Stops every worker (each drains its socket's queue and sends its last chunks), then closes the output. */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w, i) =>
          new Promise<void>((resolve) => {
            w.on("message", (m: FromWorker) => {
              if (m.type === "stopped") this.counters[i] = m.counters;
            });
            w.once("exit", () => resolve());
            w.postMessage({ type: "stop" } satisfies ToWorker);
          }),
      ),
    );
    await this.writing;
    await this.writer?.close();
  }

  /** The workers' counters added up. */
  totals(): WorkerCounters {
    const t: WorkerCounters = { datagrams: 0, octets: 0, records: {}, errors: new Map(), exporters: new Map(), templates: { size: 0, evictions: 0 }, kernelDrops: 0, queueDrops: 0, undrainedBytes: 0 };
    const exporters = new ExporterCounters(Infinity);
    for (const c of this.counters) {
      if (!c) continue;
      t.datagrams += c.datagrams;
      t.octets += c.octets;
      for (const [k, n] of Object.entries(c.records)) t.records[k] = (t.records[k] ?? 0) + n;
      for (const [k, n] of c.errors) t.errors.set(k, (t.errors.get(k) ?? 0) + n);
      exporters.merge(c.exporters);
      t.templates.size += c.templates.size;
      t.templates.evictions += c.templates.evictions;
      if (c.held) {
        const h = (t.held ??= { templateFields: 0, templateExporterEvictions: 0, templateExpirations: 0, heldFlowSets: 0, heldOctets: 0, heldDroppedFull: 0, heldDroppedExpired: 0, exporterFacts: 0, exporterFactEvictions: 0 });
        for (const k of Object.keys(h) as (keyof CollectorHeld)[]) h[k] += c.held[k];
      }
      t.kernelDrops += c.kernelDrops;
      t.queueDrops += c.queueDrops;
      t.undrainedBytes += c.undrainedBytes;
    }
    t.exporters = exporters.byExporter;
    return t;
  }

  metricsView(): CollectMetricsView {
    const t = this.totals();
    // The label cap holds for the process, not per worker.
    const exporters = new ExporterCounters();
    exporters.merge(t.exporters);
    return { exporters, templates: t.templates, ...(t.held ? { held: t.held } : {}), output: this.writer?.stats };
  }
}
