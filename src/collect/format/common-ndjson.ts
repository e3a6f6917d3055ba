// "common" as NDJSON: one object per flow record, unset fields left out,
// enrichment columns after the common ones as strings.
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS } from "./common-columns.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";

export class CommonNdjson implements RecordFormat, FileEncoder<FlowRecord> {
  readonly extension = "ndjson";
  readonly streams = true;

  constructor(private readonly enrichColumns: readonly string[] = []) {}

  /** Stateless: one encoder serves every file. */
  open(): FileEncoder<FlowRecord> {
    return this;
  }

  begin(): string {
    return "";
  }

  end(): string {
    return "";
  }

  encode(batch: readonly FlowRecord[]): string {
    let out = "";
    for (const f of batch) {
      let line = "{";
      for (const c of COMMON_COLUMNS) {
        const v = c.text(f);
        if (v === undefined) continue;
        line += `${line.length > 1 ? "," : ""}"${c.name}":${c.kind === "number" ? v : JSON.stringify(v)}`;
      }
      for (const name of this.enrichColumns) {
        const v = f.enriched?.[name];
        if (v !== undefined) line += `,${JSON.stringify(name)}:${JSON.stringify(v)}`;
      }
      out += `${line}}\n`;
    }
    return out;
  }
}
