// What each exporter sent, for the metrics: datagrams, octets, flows and
// problems by protocol and reason. Exporters get their own label up to
// `maxExporters`; the rest share one "other" series, so a flood of spoofed
// sources cannot grow the metrics without bound.

export interface ExporterCounts {
  /** Per type (netflow_v5, ipfix, ...): datagrams and flow records. */
  datagrams: Map<string, number>;
  flows: Map<string, number>;
  octets: number;
  /** Problems by reason (the codecs' error codes, unknown_version). */
  errors: Map<string, number>;
  lastSeenMs: number;
  /** The type of its latest datagram, for active_exporters{type}. */
  lastType: string;
}

export const OTHER_EXPORTERS = "other";

function add(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

export class ExporterCounters {
  readonly byExporter = new Map<string, ExporterCounts>();

  constructor(private readonly maxExporters = 1024) {}

  private entry(exporter: string, nowMs: number): ExporterCounts {
    let e = this.byExporter.get(exporter);
    if (!e) {
      const key = this.byExporter.size < this.maxExporters ? exporter : OTHER_EXPORTERS;
      e = this.byExporter.get(key);
      if (!e) {
        e = { datagrams: new Map(), flows: new Map(), octets: 0, errors: new Map(), lastSeenMs: nowMs, lastType: "" };
        this.byExporter.set(key, e);
      }
    }
    e.lastSeenMs = nowMs;
    return e;
  }

  datagram(exporter: string, type: string, octets: number, flows: number, nowMs: number): void {
    const e = this.entry(exporter, nowMs);
    add(e.datagrams, type, 1);
    if (flows > 0) add(e.flows, type, flows);
    e.octets += octets;
    e.lastType = type;
  }

  problem(exporter: string, reason: string, nowMs: number): void {
    add(this.entry(exporter, nowMs).errors, reason, 1);
  }

  /**
   * Adds another set of counters (a worker's snapshot) into these. The cap
   * holds across them: exporters past it (each worker has its own) are
   * added into "other" too.
   */
  merge(other: ReadonlyMap<string, ExporterCounts>): void {
    for (const [exporter, o] of other) {
      const name = this.byExporter.has(exporter) || this.byExporter.size < this.maxExporters ? exporter : OTHER_EXPORTERS;
      const e = this.byExporter.get(name) ?? { datagrams: new Map(), flows: new Map(), octets: 0, errors: new Map(), lastSeenMs: 0, lastType: "" };
      for (const [k, n] of o.datagrams) add(e.datagrams, k, n);
      for (const [k, n] of o.flows) add(e.flows, k, n);
      for (const [k, n] of o.errors) add(e.errors, k, n);
      e.octets += o.octets;
      if (o.lastSeenMs >= e.lastSeenMs) {
        e.lastSeenMs = o.lastSeenMs;
        e.lastType = o.lastType;
      }
      this.byExporter.set(name, e);
    }
  }

  /** Exporters heard from in the last `windowMs`, by the type of their latest datagram. */
  active(nowMs: number, windowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, e] of this.byExporter) if (name !== OTHER_EXPORTERS && nowMs - e.lastSeenMs <= windowMs && e.lastType) add(out, e.lastType, 1);
    return out;
  }
}
