// "common" as CSV: RustFlow's header once per file, unset fields empty,
// enrichment columns appended; a value with a comma, quote or line break is
// quoted (RFC 4180).
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS } from "./common-columns.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export class CommonCsv implements RecordFormat, FileEncoder<FlowRecord> {
  readonly extension = "csv";
  readonly streams = true;

  constructor(private readonly enrichColumns: readonly string[] = []) {}

  /** Stateless: one encoder serves every file. */
  open(): FileEncoder<FlowRecord> {
    return this;
  }

  end(): string {
    return "";
  }

  /** The header line, once at the top of each file. */
  begin(): string {
    return `${[...COMMON_COLUMNS.map((c) => c.name), ...this.enrichColumns].map(csvField).join(",")}\n`;
  }

  encode(batch: readonly FlowRecord[]): string {
    let out = "";
    for (const f of batch) {
      let line = "";
      for (let i = 0; i < COMMON_COLUMNS.length; i++) {
        const v = COMMON_COLUMNS[i]!.text(f);
        line += (i > 0 ? "," : "") + (v === undefined ? "" : csvField(v));
      }
      for (const name of this.enrichColumns) line += `,${csvField(f.enriched?.[name] ?? "")}`;
      out += `${line}\n`;
    }
    return out;
  }
}
