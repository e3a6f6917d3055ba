// "common" as CSV: RustFlow's header once per file, unset fields empty,
// enrichment columns appended; a value with a comma, quote or line break is
// quoted (RFC 4180).
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS } from "./common-columns.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";
import { TextBuffer } from "./text-buffer.js";
import { compileTextWriter } from "./text-record-writer.js";

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

  private readonly out = new TextBuffer();
  private readonly columns = compileTextWriter("csv");

  encode(batch: readonly FlowRecord[]): Uint8Array {
    const w = this.out;
    w.reset();
    const columns = this.columns;
    for (const f of batch) {
      columns(f, w); // unset: an empty field
      for (const name of this.enrichColumns) {
        w.byte(44);
        w.utf8(csvField(f.enriched?.[name] ?? ""));
      }
      w.byte(10);
    }
    return w.bytes();
  }
}
