// The collector's pipeline, one way: input → decode → normalise → enrich →
// format → output. An input hands it batches of datagrams; each batch goes
// through every stage and leaves as one write. Bad datagrams are counted by
// reason and never stop it.
import type { FlowRecord } from "../flow-record/index.js";
import type { InformationElement } from "../ipfix/index.js";
import type { Datagram } from "./datagram.js";
import { FlowDecoder, type DecodedDatagram, type DecoderHeld, type FlowProtocol } from "./decode/flow-decoder.js";
import { ExporterState } from "./normalise/exporter-state.js";
import { normaliseIpfix } from "./normalise/ipfix.js";
import { normaliseNetflowV5 } from "./normalise/netflow-v5.js";
import { normaliseNetflowV9 } from "./normalise/netflow-v9.js";
import { normaliseSflow } from "./normalise/sflow.js";
import type { BatchWriter, OutputStats } from "./output/batch-writer.js";
import { ExporterCounters } from "./metrics/exporter-counters.js";
import type { CollectMetricsView } from "./metrics/collect-metrics.js";
import type { RecordEnrichment } from "./enrich/record-enrichment.js";

/** Where records go, formatted; a writer of undefined discards (`-s discard`): everything is decoded and counted, nothing written. */
export type CollectorOutput = { kind: "common"; writer: BatchWriter<FlowRecord> | undefined } | { kind: "raw"; writer: BatchWriter<DecodedDatagram> | undefined };

export interface CollectorOptions {
  protocol: FlowProtocol;
  output: CollectorOutput;
  /** Multiply bytes and packets by the sampling rate (`--renormalize`). */
  renormalize?: boolean;
  enrichment?: RecordEnrichment;
  maxTemplates?: number;
  templateTimeoutMs?: number;
  /** `--ie-mapping`: elements added or overridden. */
  mapping?: ReadonlyMap<string, InformationElement>;
  /** Exporters with their own metrics label (default 1024); the rest share "other". */
  maxExporterLabels?: number;
}

/** What the collector holds beyond its templates, and what the caps let go: the decoder's, and the exporters' options facts. */
export interface CollectorHeld extends DecoderHeld {
  /** Sampling rates and boot times from options data, per exporter session and domain. */
  exporterFacts: number;
  /** Of those, dropped at the cap (the least recently updated). */
  exporterFactEvictions: number;
}

export interface CollectorStats {
  datagrams: number;
  octets: number;
  /** Flow records decoded, by flow type. */
  records: Record<string, number>;
  /** Problems by reason (the codecs' error codes, "unknown_version"). */
  errors: Map<string, number>;
}

/** Each kind of datagram's `type` metrics label (RustFlow's) and the flow type of its records. */
const KINDS: Record<DecodedDatagram["kind"], { label: string; flowType: string }> = {
  netflow_v5: { label: "netflow_v5", flowType: "NETFLOW_V5" },
  netflow_v9: { label: "netflow_v9", flowType: "NETFLOW_V9" },
  ipfix: { label: "ipfix", flowType: "IPFIX" },
  sflow: { label: "sflow_v5", flowType: "SFLOW_V5" },
  unknown_version: { label: "unknown", flowType: "unknown" },
};

export class Collector {
  readonly stats: CollectorStats = { datagrams: 0, octets: 0, records: {}, errors: new Map() };
  readonly decoder: FlowDecoder;
  readonly exporters: ExporterCounters;
  private readonly exporterState = new ExporterState();
  private readonly records: FlowRecord[] = [];
  private readonly decoded: DecodedDatagram[] = [];

  constructor(private readonly opts: CollectorOptions) {
    this.exporters = new ExporterCounters(opts.maxExporterLabels);
    this.decoder = new FlowDecoder({ protocol: opts.protocol, values: opts.output.kind === "raw", ...(opts.maxTemplates ? { maxTemplates: opts.maxTemplates } : {}), ...(opts.templateTimeoutMs ? { templateTimeoutMs: opts.templateTimeoutMs } : {}), ...(opts.mapping ? { mapping: opts.mapping } : {}) });
  }

  /** Takes one batch through every stage; the datagrams' bytes are not kept after it resolves. */
  async handle(batch: readonly Datagram[]): Promise<void> {
    const records = this.records;
    const decoded = this.decoded;
    records.length = 0;
    decoded.length = 0;
    for (const d of batch) {
      this.stats.datagrams++;
      this.stats.octets += d.bytes.length;
      const r = this.decoder.decode(d);
      this.count(r);
      let flows: number;
      if (this.opts.output.kind === "raw") {
        decoded.push(r);
        flows = dataRecords(r);
      } else flows = this.normalise(r, records);
      if (flows > 0) this.stats.records[KINDS[r.kind].flowType] = (this.stats.records[KINDS[r.kind].flowType] ?? 0) + flows;
      this.exporters.datagram(d.exporter, KINDS[r.kind].label, d.bytes.length, flows, d.receivedMs);
    }
    this.opts.enrichment?.enrichBatch(records);
    const out = this.opts.output;
    await this.serially(() => (out.kind === "raw" ? out.writer?.write(decoded) : out.writer?.write(records)));
  }

  // The writer sees one call at a time: a timer's tick never ends a file under a write.
  private writing: Promise<void> = Promise.resolve();
  private serially(fn: () => Promise<void> | undefined): Promise<void> {
    const next = this.writing.then(fn);
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Finishes a rotated file whose window is over (called on a timer while listening). */
  async tick(nowMs: number): Promise<void> {
    const w = this.opts.output.writer;
    if (w?.tick) await this.serially(() => w.tick!(nowMs));
  }

  /** Ends every output file (footers, renames). */
  async close(): Promise<void> {
    await this.serially(() => this.opts.output.writer?.close());
  }

  /** Appends the datagram's flow records to `out`; returns how many. */
  private normalise(r: DecodedDatagram, out: FlowRecord[]): number {
    const from = out.length;
    if (r.kind === "netflow_v5" && r.message) normaliseNetflowV5(r.message, r.datagram, out);
    else if (r.kind === "netflow_v9") normaliseNetflowV9(r.message, r.session, r.datagram, this.exporterState, out);
    else if (r.kind === "ipfix") normaliseIpfix(r.message, r.session, r.datagram, this.exporterState, out);
    else if (r.kind === "sflow") normaliseSflow(r.message, r.datagram, out);
    if (this.opts.renormalize) {
      for (let i = from; i < out.length; i++) {
        const f = out[i]!;
        if (f.samplingRate !== undefined && f.samplingRate > 1) {
          f.bytes *= f.samplingRate;
          f.packets *= f.samplingRate;
        }
      }
    }
    return out.length - from;
  }

  outputStats(): OutputStats | undefined {
    return this.opts.output.writer?.stats;
  }

  metricsView(): CollectMetricsView {
    return { exporters: this.exporters, templates: { size: this.decoder.templates.size, evictions: this.decoder.templates.stats.evictions }, held: this.held(), output: this.outputStats() };
  }

  held(): CollectorHeld {
    return { ...this.decoder.held(), exporterFacts: this.exporterState.size, exporterFactEvictions: this.exporterState.evictions };
  }

  private count(r: DecodedDatagram): void {
    const errors = r.kind === "netflow_v5" ? r.errors : r.kind === "unknown_version" ? [{ code: "unknown_version" }] : r.message.errors;
    for (const e of errors) {
      this.stats.errors.set(e.code, (this.stats.errors.get(e.code) ?? 0) + 1);
      this.exporters.problem(r.datagram.exporter, e.code, r.datagram.receivedMs);
    }
  }
}

/** Flow records a datagram holds, for one written raw (the common format counts them as it normalises). */
function dataRecords(r: DecodedDatagram): number {
  if (r.kind === "netflow_v5") return r.message?.records.length ?? 0;
  if (r.kind === "sflow") return r.message.samples.filter((s) => s.kind === "flow_sample").length;
  if (r.kind === "unknown_version") return 0;
  let n = 0;
  for (const s of r.message.sets) if (s.kind === "data" && !s.options) n += s.records.length;
  return n;
}
