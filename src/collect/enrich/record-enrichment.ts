// The collector's enrichment stage, once per batch of records: origin AS for
// records whose exporter sent none (0 or absent), from the same sources the
// agent uses (the live BMP RIB: origin of the longest match), and the
// `--enrich` columns, each from the table its spec's file holds now (after
// the AS, so a table keyed on src_as or dst_as sees the filled value).
import type { AddressEnricher } from "../../enrich/address-enricher.js";
import type { FlowRecord } from "../../flow-record/index.js";
import type { Values } from "./table-load.js";

/** What fills enrichment columns (a ColumnSource): the values of a record, by column. */
export interface ColumnValues {
  readonly names: readonly string[];
  values(f: FlowRecord): Values | undefined;
}

export interface RecordEnrichmentOptions {
  /** Origin AS of addresses; an answer of 0 (unknown) leaves the record as the exporter sent it. */
  asn?: AddressEnricher;
  columns?: readonly ColumnValues[];
}

export class RecordEnrichment {
  /** The enrichment columns the formats append, in order. */
  readonly columnNames: readonly string[];
  private readonly asn: AddressEnricher | undefined;
  private readonly columns: readonly ColumnValues[];

  constructor(opts: RecordEnrichmentOptions) {
    this.asn = opts.asn;
    this.columns = opts.columns ?? [];
    this.columnNames = this.columns.flatMap((c) => c.names);
  }

  enrichBatch(records: readonly FlowRecord[]): void {
    for (const f of records) this.enrich(f);
  }

  enrich(f: FlowRecord): void {
    const asn = this.asn;
    if (asn) {
      if (f.src && !f.srcAsn) {
        const n = asn.asn(f.src);
        if (n) f.srcAsn = n;
      }
      if (f.dst && !f.dstAsn) {
        const n = asn.asn(f.dst);
        if (n) f.dstAsn = n;
      }
    }
    for (const c of this.columns) {
      const values = c.values(f);
      if (values === undefined) continue;
      const names = c.names;
      for (let i = 0; i < names.length; i++) {
        const v = values[i];
        if (v !== undefined) (f.enriched ??= {})[names[i]!] = v;
      }
    }
  }
}
