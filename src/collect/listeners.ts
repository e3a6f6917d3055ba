// `rfm collect`'s UDP input: one or more listeners in one process (`-t/-H/-p`,
// or `[[collect.listeners]]`), each with its own decoders and template state,
// on the main thread (`workers = 1`) or in a pool of worker threads on its
// port; one output written through one queue, one enrichment (the main
// thread's listeners share it; workers open their own), one metrics view
// adding every listener up.
import type { InformationElement } from "../ipfix/index.js";
import { renderLabels, type TextWriter } from "../metrics/exposition.js";
import { Collector, type CollectorOutput, type CollectorStats } from "./collector.js";
import type { RecordEnrichment } from "./enrich/record-enrichment.js";
import { UdpListener } from "./input/udp-listener.js";
import type { CollectMetricsView } from "./metrics/collect-metrics.js";
import { ExporterCounters } from "./metrics/exporter-counters.js";
import type { BatchWriter, OutputStats } from "./output/batch-writer.js";
import { SharedWriter } from "./output/shared-writer.js";
import { listenerName, type ListenerSettings } from "./settings.js";
import { WorkerPool } from "./workers/worker-pool.js";
import type { WorkerSettings } from "./workers/messages.js";

/** What every listener's pipeline shares. */
export interface ListenerPipeline {
  output: CollectorOutput;
  /** The main thread's enrichment stage (workers open their own from `worker.enrich`). */
  enrichment?: RecordEnrichment;
  mapping?: ReadonlyMap<string, InformationElement>;
  renormalize: boolean;
  templateTimeoutMs: number;
  /** A worker's settings but its listener's. */
  worker: Omit<WorkerSettings, "protocol" | "host" | "port">;
}

interface Drops {
  kernel: number;
  queue: number;
}

/** One listener running. */
interface OpenListener {
  readonly settings: ListenerSettings;
  /** Where its socket is bound (the port picked, for port 0). */
  readonly address: { address: string; port: number };
  metricsView(): CollectMetricsView;
  drops(): Drops;
  totals(): CollectorStats;
  /** Drains and closes its sockets and lets its last records out; resolves with its drops for the summary. */
  stop(): Promise<string>;
}

const bracketed = (address: string) => (address.includes(":") ? `[${address}]` : address);

class MainThreadListener implements OpenListener {
  private constructor(readonly settings: ListenerSettings, private readonly collector: Collector, private readonly listener: UdpListener) {}

  static open(l: ListenerSettings, p: ListenerPipeline, output: CollectorOutput): MainThreadListener {
    const collector = new Collector({
      protocol: l.protocol, output, renormalize: p.renormalize, templateTimeoutMs: p.templateTimeoutMs,
      ...(p.enrichment ? { enrichment: p.enrichment } : {}), ...(p.mapping ? { mapping: p.mapping } : {}),
    });
    const listener = UdpListener.open({
      host: l.host, port: l.port,
      onDatagrams: (batch) => collector.handle(batch),
      onError: (e) => process.stderr.write(`rfm collect: ${e.message}\n`),
    });
    return new MainThreadListener(l, collector, listener);
  }

  get address() {
    return this.listener.address;
  }

  metricsView(): CollectMetricsView {
    return this.collector.metricsView();
  }

  drops(): Drops {
    const st = this.listener.stats();
    return { kernel: st.socket.kernelDrops, queue: st.queueDrops };
  }

  totals(): CollectorStats {
    return this.collector.stats;
  }

  async stop(): Promise<string> {
    await this.listener.close();
    await this.collector.close();
    const { kernel, queue } = this.drops();
    return `kernel drops ${kernel}, queue drops ${queue}${this.listener.undrainedBytes > 0 ? `, ${this.listener.undrainedBytes} octets left unread at the stop` : ""}`;
  }
}

class PooledListener implements OpenListener {
  private constructor(readonly settings: ListenerSettings, private readonly pool: WorkerPool) {}

  static async open(l: ListenerSettings, p: ListenerPipeline, writer: BatchWriter<unknown> | undefined): Promise<PooledListener> {
    return new PooledListener(l, await WorkerPool.start(l.workers, { ...p.worker, protocol: l.protocol, host: l.host, port: l.port }, writer));
  }

  get address() {
    return this.pool.address!;
  }

  metricsView(): CollectMetricsView {
    return this.pool.metricsView();
  }

  drops(): Drops {
    const t = this.pool.totals();
    return { kernel: t.kernelDrops, queue: t.queueDrops };
  }

  totals(): CollectorStats {
    return this.pool.totals();
  }

  async stop(): Promise<string> {
    await this.pool.stop();
    const t = this.pool.totals();
    return `kernel drops ${t.kernelDrops}, queue drops ${t.queueDrops}, output drops ${this.pool.chunkDrops}${t.undrainedBytes > 0 ? `, ${t.undrainedBytes} octets left unread at the stop` : ""}`;
  }
}

/** The listeners of one run, started in order, stopped together. */
export class Listeners {
  private readonly open: OpenListener[] = [];
  private readonly shared: SharedWriter<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pipeline: ListenerPipeline) {
    const w = pipeline.output.writer as BatchWriter<unknown> | undefined;
    this.shared = w && new SharedWriter(w);
  }

  /** Opens every listener, telling of each as it listens; one that cannot (a port taken) stops the others and throws naming it. */
  async start(listeners: readonly ListenerSettings[]): Promise<void> {
    for (const l of listeners) {
      const writer = this.shared?.view();
      try {
        this.open.push(l.workers > 1 ? await PooledListener.open(l, this.pipeline, writer) : MainThreadListener.open(l, this.pipeline, { kind: this.pipeline.output.kind, writer } as CollectorOutput));
      } catch (e) {
        await this.stop();
        throw new Error(`${l.protocol} listener ${listenerName(l)}: ${(e as Error).message}`);
      }
      const { address, port } = this.open.at(-1)!.address;
      process.stderr.write(`rfm collect: listening on ${bracketed(address)}:${port} (${l.protocol}${l.workers > 1 ? `, ${l.workers} workers` : ""})\n`);
    }
    // A rotated file is finished when its window is over even if no datagram comes to do it.
    this.timer = setInterval(() => void this.shared?.tick(Date.now()).catch(() => undefined), 1000);
  }

  /** Where each listener is bound, in order. */
  get addresses(): { address: string; port: number }[] {
    return this.open.map((l) => l.address);
  }

  /**
   * Stops every listener (each drains its socket first), then finishes the
   * output. Resolves with the summary's input part (with several listeners,
   * also a line per listener with its own counts) and the totals.
   */
  async stop(): Promise<{ summary: string; lines: string[]; totals: CollectorStats }> {
    clearInterval(this.timer);
    const drops = await Promise.all(this.open.map((l) => l.stop()));
    await this.shared?.close();
    const totals = addUp(this.open.map((l) => l.totals()));
    const udp = (l: OpenListener) => `udp ${l.address.address}:${l.address.port}`;
    if (this.open.length === 1) return { summary: `${udp(this.open[0]!)}: ${drops[0]!}`, lines: [], totals };
    const lines = this.open.map((l, i) => {
      const t = l.totals();
      return `${udp(l)} (${l.settings.protocol}): ${drops[i]!}, ${t.datagrams} datagrams, ${recordCount(t)} records`;
    });
    return { summary: `${this.open.length} listeners`, lines, totals };
  }

  /** Every listener's counters added up (exporter labels capped for the process); the output's own. */
  metricsView(): CollectMetricsView {
    const exporters = new ExporterCounters();
    const templates = { size: 0, evictions: 0 };
    // The decoders' other gauges and counters (`held`, when the view has them): numbers, added up whatever they are.
    let held: Record<string, number> | undefined;
    for (const l of this.open) {
      const v = l.metricsView();
      exporters.merge(v.exporters.byExporter);
      templates.size += v.templates.size;
      templates.evictions += v.templates.evictions;
      const h = (v as { held?: Readonly<Record<string, number>> }).held;
      if (h) {
        held ??= {};
        for (const [k, n] of Object.entries(h)) held[k] = (held[k] ?? 0) + n;
      }
    }
    const output: OutputStats | undefined = this.shared?.writer.stats;
    return { exporters, templates, output, ...(held ? { held } : {}) } as CollectMetricsView;
  }

  /** rfm_collect_receive_drops_total{listener,reason}: what each listener's socket (kernel) or queue dropped. */
  renderDrops(w: TextWriter): void {
    w.header("rfm_collect_receive_drops_total", "counter", "Datagrams dropped before decoding, by listener (its bound address) and where: kernel (the socket's receive buffer was full) or queue (the pipeline was behind).");
    for (const l of this.open) {
      const { address, port } = l.address;
      const d = l.drops();
      const listener = `${bracketed(address)}:${port}`;
      w.sample("rfm_collect_receive_drops_total", renderLabels([["listener", listener], ["reason", "kernel"]]), d.kernel);
      w.sample("rfm_collect_receive_drops_total", renderLabels([["listener", listener], ["reason", "queue"]]), d.queue);
    }
  }
}

export function recordCount(st: CollectorStats): number {
  return Object.values(st.records).reduce((a, b) => a + b, 0);
}

function addUp(all: readonly CollectorStats[]): CollectorStats {
  const t: CollectorStats = { datagrams: 0, octets: 0, records: {}, errors: new Map() };
  for (const s of all) {
    t.datagrams += s.datagrams;
    t.octets += s.octets;
    for (const [k, n] of Object.entries(s.records)) t.records[k] = (t.records[k] ?? 0) + n;
    for (const [k, n] of s.errors) t.errors.set(k, (t.errors.get(k) ?? 0) + n);
  }
  return t;
}
