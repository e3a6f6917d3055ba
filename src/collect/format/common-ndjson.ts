// "common" as NDJSON: one object per flow record, unset fields left out,
// enrichment columns after the common ones as strings.
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS } from "./common-columns.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";
import { TextBuffer } from "./text-buffer.js";

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
  // Each column's `"name":` once, as bytes.
  private readonly keys = COMMON_COLUMNS.map((c) => `"${c.name}":`);

  encode(batch: readonly FlowRecord[]): Uint8Array {
    const w = this.out;
    w.reset();
    for (const f of batch) {
      w.byte(123); // {
      let first = true;
      for (let i = 0; i < COMMON_COLUMNS.length; i++) {
        const c = COMMON_COLUMNS[i]!;
        const mark = w.pos;
        if (!first) w.byte(44);
        w.ascii(this.keys[i]!);
        if (c.kind === "string") w.byte(34);
        if (!c.put(f, w)) {
          w.pos = mark; // unset: left out
          continue;
        }
        if (c.kind === "string") w.byte(34);
        first = false;
      }
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
