// One `--enrich` spec in service: its file's table (reloaded as the spec
// says) and the enrichment columns it fills, named by the spec's fields.
import type { FlowRecord } from "../../flow-record/index.js";
import { loadCsvTable } from "./csv-tables.js";
import type { EnrichSpec } from "./enrich-spec.js";
import { loadMmdbTable } from "./mmdb-table.js";
import { TableFile, type LogLine } from "./table-file.js";
import type { Values } from "./table-load.js";

export class ColumnSource {
  /** The enrichment columns, in the spec's order. */
  readonly names: readonly string[];

  private constructor(readonly spec: EnrichSpec, readonly file: TableFile) {
    this.names = spec.fields.map((f) => f.to);
  }

  /** Loads the spec's file; throws an Error naming the file and the reason when it is no table. */
  static async open(spec: EnrichSpec, log: LogLine, settleMs?: number): Promise<ColumnSource> {
    const load = (bytes: Uint8Array) => {
      if (spec.type === "prefix_lookup" && spec.format === "mmdb") {
        return loadMmdbTable(bytes, spec, (address, err) =>
          log(`enrich ${spec.source}: lookup of ${address} failed: ${err.message}; further failures of this file are not logged`),
        );
      }
      return loadCsvTable(bytes, spec);
    };
    const file = await TableFile.open({ path: spec.source, load, reload: spec.reload, log, ...(settleMs !== undefined ? { settleMs } : {}) });
    return new ColumnSource(spec, file);
  }

  /** The record's values, by column, from the table in service; undefined when nothing matches. */
  values(f: FlowRecord): Values | undefined {
    return this.file.table.lookup.values(f);
  }

  close(): void {
    this.file.close();
  }
}
