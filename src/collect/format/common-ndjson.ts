// "common" as NDJSON: one object per flow record, unset fields left out,
// enrichment columns after the common ones as strings.
import type { FlowRecord } from "../../flow-record/index.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";
import { TextBuffer } from "./text-buffer.js";
import { compileTextWriter } from "./text-record-writer.js";

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

  private readonly out = new TextBuffer();
  private readonly columns = compileTextWriter("ndjson");

  encode(batch: readonly FlowRecord[]): Uint8Array {
    const w = this.out;
    const columns = this.columns;
    w.reset();
    for (const f of batch) {
      w.byte(123); // {
      columns(f, w);
      for (const name of this.enrichColumns) {
        const v = f.enriched?.[name];
        if (v !== undefined) w.utf8(`,${JSON.stringify(name)}:${JSON.stringify(v)}`);
      }
      w.byte(125); // }
      w.byte(10);
    }
    return w.bytes();
  }
}
