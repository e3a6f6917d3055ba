// What loading an enrichment source gives: a lookup from a record to the
// values of its spec's fields, what was loaded (for the log), and the rows
// that could not be used (counted; the first few named by line).
import type { FlowRecord } from "../../flow-record/index.js";

/** The spec's field values in order (undefined: the row or record has none); valid until the next lookup of the same source. */
export type Values = readonly (string | undefined)[];

export interface RecordLookup {
  values(f: FlowRecord): Values | undefined;
}

export interface BadRow {
  line: number;
  reason: string;
}

/** Bad rows named in the log; the rest are only counted. */
export const NAMED_BAD_ROWS = 5;

export class BadRows {
  count = 0;
  readonly first: BadRow[] = [];

  add(line: number, reason: string): void {
    if (++this.count <= NAMED_BAD_ROWS) this.first.push({ line, reason });
  }

  /** "2 bad rows skipped (line 3: ...; line 9: ...)", or "" when none. */
  text(): string {
    if (this.count === 0) return "";
    const named = this.first.map((r) => `line ${r.line}: ${r.reason}`).join("; ");
    const more = this.count > this.first.length ? `; ${this.count - this.first.length} more` : "";
    return `${this.count} bad row${this.count === 1 ? "" : "s"} skipped (${named}${more})`;
  }
}

export interface TableLoad {
  lookup: RecordLookup;
  /** What is in service, e.g. "3 prefixes (2 IPv4, 1 IPv6)". */
  description: string;
  badRows?: BadRows;
}
