// The agent's IPFIX export: flow records from the table are queued (bounded:
// when full the newest record is dropped and counted), gathered for
// flush_interval, then packed into messages for every collector. Templates go
// out on every new socket and every template_refresh.
import type { AgentFlowRecord } from "../flow-record/index.js";
import { formatAddress } from "../net/address.js";
import type { ErrorCounters } from "../metrics/errors.js";
import { TextWriter, renderLabels } from "../metrics/exposition.js";
import { CollectorLink, DROP_REASONS, type CollectorTarget } from "./collector-link.js";
import { IpfixLayout, appendRecord } from "./ipfix-layout.js";
import type { FillableElement } from "./ipfix-fields.js";
import { log } from "../log/logger.js";

export interface IpfixExporterOptions {
  targets: CollectorTarget[];
  fields: readonly FillableElement[];
  templateRefreshMs: number;
  flushIntervalMs: number;
  maxMessageSize: number;
  queueSize: number;
  sampleRate: number;
  errors: ErrorCounters;
}

/** Records encoded per event-loop turn while flushing. */
const FLUSH_SLICE = 1024;
/** Pause between slices: the ring is drained meanwhile, and the collector's socket buffer gets read. */
const SLICE_GAP_MS = 1;

export class IpfixExporter {
  readonly links: CollectorLink[];
  private readonly layout: IpfixLayout;
  private queue: AgentFlowRecord[] = [];
  private queueDropped = 0;
  private timers: NodeJS.Timeout[] = [];
  private flushing = false;
  private closing = false;

  constructor(private readonly opts: IpfixExporterOptions) {
    this.layout = new IpfixLayout(opts.fields);
    this.links = opts.targets.map((t) => new CollectorLink(t, this.layout, opts.maxMessageSize, opts.sampleRate, () => opts.errors.inc("ipfix")));
  }

  start(): void {
    for (const l of this.links) l.start();
    this.timers.push(setInterval(() => this.flush(), this.opts.flushIntervalMs));
    this.timers.push(
      setInterval(() => {
        for (const l of this.links) if (l.connected) l.refreshTemplates();
      }, this.opts.templateRefreshMs),
    );
  }

  /** The flow sink: enqueue, never block. */
  readonly sink = (records: AgentFlowRecord[]): void => {
    for (const r of records) {
      if (this.isSelfExport(r)) continue;
      // While closing, the table's final flush is taken whole: queue_size bounds a
      // flush interval's worth, not the last records the agent will ever send.
      if (this.queue.length >= this.opts.queueSize && !this.closing) {
        this.queueDropped++;
        continue;
      }
      this.queue.push(r);
    }
  };

  get queueDroppedCount(): number {
    return this.queueDropped;
  }

  setSampleRate(rate: number): void {
    for (const l of this.links) if (l.connected) l.setSampleRate(rate);
  }

  /**
   * Packs what is queued into messages for every collector and sends them, a
   * slice of records per event-loop turn so the ring drain never waits long
   * and a sweep of 65,536 flows does not arrive as one burst.
   */
  flush(): void {
    if (this.flushing || this.closing) return;
    this.flushing = true;
    const step = () => {
      const more = this.flushSlice(FLUSH_SLICE);
      if (more && !this.closing) setTimeout(step, SLICE_GAP_MS);
      else this.flushing = false;
    };
    step();
  }

  /** Encodes and sends up to `limit` queued records; true when more remain. */
  private flushSlice(limit: number): boolean {
    const records = this.queue.length <= limit ? this.queue : this.queue.slice(0, limit);
    this.queue = this.queue.length <= limit ? [] : this.queue.slice(limit);
    for (const link of this.links) {
      if (!link.connected) {
        link.stats.dropped.unconnected += records.length;
        continue;
      }
      link.prepare();
      for (const r of records) {
        try {
          if (!appendRecord(link.builder, link.handles, this.layout, r)) link.stats.dropped.encode++;
        } catch (e) {
          link.stats.dropped.encode++;
          this.opts.errors.inc("ipfix");
          log.warn("ipfix record could not be encoded", { error: (e as Error).message });
        }
      }
      link.flush();
    }
    return this.queue.length > 0;
  }

  /**
   * Shutdown, first step: no more timed flushes, and the queue takes every
   * record from now on (the flow table's final flush follows). Idempotent.
   */
  beginClose(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.closing = true;
  }

  /**
   * Sends everything queued, paced like any flush (a final flush of 65,536
   * flows must not overrun the collector's socket buffer in one burst), waits
   * until every datagram has left the socket, then closes the sockets.
   */
  async close(): Promise<void> {
    this.beginClose();
    while (this.flushSlice(FLUSH_SLICE)) await new Promise((r) => setTimeout(r, SLICE_GAP_MS));
    await Promise.all(this.links.map((l) => l.idle()));
    for (const l of this.links) l.close();
  }

  /** Exactly the exporter's own UDP 5-tuple to a collector is left out. */
  private isSelfExport(r: AgentFlowRecord): boolean {
    if (r.proto !== 17) return false;
    for (const l of this.links) {
      if (!l.local || !l.remote || !l.connected) continue;
      if (r.sport === l.local.port && r.dport === l.remote.port && sameAddress(r.src, l.local.address) && sameAddress(r.dst, l.remote.address)) return true;
    }
    return false;
  }

  metrics(w: TextWriter): void {
    const per = (name: string, type: "counter" | "gauge", help: string, value: (l: CollectorLink) => number) => {
      w.header(name, type, help);
      for (const l of this.links) w.sample(name, renderLabels([["collector", l.name]]), value(l));
    };
    per("rfm_ipfix_connected", "gauge", "1 while the collector's socket is up", (l) => (l.connected ? 1 : 0));
    per("rfm_ipfix_dials_total", "counter", "socket dials (first and re-dials)", (l) => l.stats.dials);
    per("rfm_ipfix_dial_errors_total", "counter", "dials that failed (bind, resolve or connect)", (l) => l.stats.dialErrors);
    per("rfm_ipfix_messages_total", "counter", "IPFIX messages sent", (l) => l.stats.messages);
    per("rfm_ipfix_records_total", "counter", "flow records sent", (l) => l.stats.records);
    w.header("rfm_ipfix_dropped_records_total", "counter", "flow records not delivered, by reason");
    for (const l of this.links) {
      for (const reason of DROP_REASONS) {
        const v = reason === "queue_full" ? this.queueDropped : l.stats.dropped[reason];
        w.sample("rfm_ipfix_dropped_records_total", renderLabels([["collector", l.name], ["reason", reason]]), v);
      }
    }
    w.header("rfm_ipfix_send_errors_total", "counter", "failed sends by errno");
    for (const l of this.links) {
      for (const [errno, n] of l.stats.sendErrors) w.sample("rfm_ipfix_send_errors_total", renderLabels([["collector", l.name], ["errno", errno]]), n);
    }
  }
}

function sameAddress(a16: Uint8Array, text: string): boolean {
  const t = text.startsWith("::ffff:") && text.includes(".") ? text.slice(7) : text;
  return formatAddress(a16) === t;
}
