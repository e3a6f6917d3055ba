// The common columns written as text, one function per layout (NDJSON
// object, CSV row), generated once from COMMON_COLUMNS. A loop over column
// objects calls one of ~37 accessors at a single call site, which V8 cannot
// inline: it cost about 4 µs a record, more than decoding. The generated
// function reads each field by name, in order, so every property access and
// buffer call is monomorphic, and the column list stays the one source of
// truth for names, order and types.
import type { FlowRecord } from "../../flow-record/index.js";
import { COMMON_COLUMNS, type Column } from "./common-columns.js";
import { MAX_ADDRESS_TEXT, MAX_NUMBER_TEXT, putAddress, putAscii, putNs, putNumber, type TextBuffer } from "./text-buffer.js";

/** Writes the common columns of each record of a batch; the caller adds what follows them (enrichment columns, line end). */
export type RecordTextWriter = (f: FlowRecord, w: TextBuffer) => void;

export type TextLayout = "ndjson" | "csv";

// Field names are identifiers from FlowRecord, not input: safe to place in generated code.
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Literal stores of an ASCII constant (a column's `"name":`), four octets at a time: no loop, no lookup. */
function storeCode(text: string): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 4 <= text.length; i += 4) {
    const word = ((text.charCodeAt(i) << 24) | (text.charCodeAt(i + 1) << 16) | (text.charCodeAt(i + 2) << 8) | text.charCodeAt(i + 3)) >>> 0;
    out.push(`dv.setUint32(p, 0x${word.toString(16)}); p += 4;`);
  }
  for (; i < text.length; i++) out.push(`b[p++] = ${text.charCodeAt(i)};`);
  return out.join(" ");
}

/** Room a value of the column can take, for one `ensure` per record; text fields make their own room. */
function room(c: Column): number {
  return c.type === "address" ? MAX_ADDRESS_TEXT + 2 : c.type === "text" ? 2 : MAX_NUMBER_TEXT;
}

function valueCode(c: Column): { test: string; write: string } {
  if (!IDENT.test(c.field) || (c.nsField !== undefined && !IDENT.test(c.nsField))) throw new Error(`column ${c.name}: field is not an identifier`);
  const v = `f.${c.field}`;
  switch (c.type) {
    case "number":
      return { test: `${v} !== undefined`, write: `p = putNumber(b, p, ${v});` };
    case "text":
      // Any length: room is made for it here.
      return { test: `${v} !== undefined`, write: `w.pos = p; w.ensure(${v}.length + 2); b = w.buf; dv = w.view; p = putAscii(b, p, ${v});` };
    case "time":
      return { test: `${v} !== undefined`, write: `p = putNs(b, p, ${v}, ${c.nsField ? `f.${c.nsField} ?? 0` : "undefined"});` };
    case "address":
      return { test: `${v} !== undefined && ${v}.length === 16`, write: `p = putAddress(b, p, ${v});` };
  }
}

function source(layout: TextLayout, columns: readonly Column[]): string {
  const fixed = columns.reduce((n, c) => n + c.name.length + 4 + room(c), 0);
  const lines = [`w.ensure(${fixed}); let b = w.buf; let dv = w.view; let p = w.pos;`];
  if (layout === "ndjson") {
    // `sep`: whether a member has been written, so the next one starts with a comma.
    lines.push("let sep = false;");
    for (const c of columns) {
      const { test, write } = valueCode(c);
      const quote = c.kind === "string" ? "b[p++] = 34;" : "";
      lines.push(`if (${test}) { if (sep) b[p++] = 44; sep = true; ${storeCode(`"${c.name}":`)} ${quote} ${write} ${quote} }`);
    }
  } else {
    columns.forEach((c, i) => {
      const { test, write } = valueCode(c);
      lines.push(`${i > 0 ? "b[p++] = 44; " : ""}if (${test}) { ${write} }`);
    });
  }
  lines.push("w.pos = p;");
  return lines.join("\n");
}

export function compileTextWriter(layout: TextLayout, columns: readonly Column[] = COMMON_COLUMNS): RecordTextWriter {
  const make = new Function("putNumber", "putAscii", "putNs", "putAddress", `return function writeColumns(f, w) {\n${source(layout, columns)}\n};`);
  return (make as (...fns: unknown[]) => RecordTextWriter)(putNumber, putAscii, putNs, putAddress);
}
