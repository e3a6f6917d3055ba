// "common" as CSV: RustFlow's header once per file, unset fields empty,
// enrichment columns appended; a value with a comma, quote or line break is
// quoted (RFC 4180).
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS } from "./common-columns.js";
import type { RecordFormatter } from "./formatter.js";

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export class CommonCsv implements RecordFormatter {
  readonly extension = "csv";

  constructor(private readonly enrichColumns: readonly string[] = []) {}

  header(): string {
    return `${[...COMMON_COLUMNS.map((c) => c.name), ...this.enrichColumns].map(csvField).join(",")}\n`;
  }

  records(batch: readonly FlowRecord[]): string {
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
