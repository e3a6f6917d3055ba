// A CSV enrichment source read into its table: the header row names the
// columns, the key column fills a prefix table (`prefix_lookup`; a bare
// address is a host prefix) or an exact table (`exact`), the spec's field
// columns are each row's values (an empty cell: no value). A row that cannot
// be used (wrong number of fields, a bad or repeated key) is skipped and
// reported with its line; a file without the columns the spec names is not
// a table at all (the load fails).
import { parseAddress, isV4Mapped } from "../../net/address.js";
import { parsePrefix, type Prefix } from "../../rib/prefix.js";
import { forEachCsvRow, type CsvRow } from "./csv-rows.js";
import type { EnrichSpec, ExactSpec, PrefixLookupSpec } from "./enrich-spec.js";
import { ExactTable, keyNormaliser } from "./exact-table.js";
import { PrefixTable } from "./prefix-table.js";
import { addressOf } from "./record-keys.js";
import { BadRows, type TableLoad, type Values } from "./table-load.js";

/** Columns a prefix table's key may be in when the spec names none (RustFlow's). */
export const PREFIX_COLUMNS = ["prefix", "cidr", "network"] as const;

interface Layout {
  width: number;
  key: number;
  fields: number[];
}

function headerText(header: readonly string[]): string {
  const text = header.join(",");
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

function layoutOf(header: readonly string[], keyColumn: string | undefined, spec: EnrichSpec): Layout {
  const find = (name: string) => header.indexOf(name);
  let key: number;
  if (keyColumn !== undefined) {
    key = find(keyColumn);
    if (key < 0) throw new Error(`no key column ${JSON.stringify(keyColumn)} (the header is ${headerText(header)})`);
  } else {
    key = PREFIX_COLUMNS.map(find).find((i) => i >= 0) ?? -1;
    if (key < 0) throw new Error(`no ${PREFIX_COLUMNS.join(", ")} column (the header is ${headerText(header)})`);
  }
  const fields = spec.fields.map((f) => {
    const i = find(f.from);
    if (i < 0) throw new Error(`no column ${JSON.stringify(f.from)} for ${f.to} (the header is ${headerText(header)})`);
    return i;
  });
  return { width: header.length, key, fields };
}

/** Reads the rows after the header; `add` returns an error text for a row it refuses. */
function readRows(bytes: Uint8Array, spec: EnrichSpec, keyColumn: string | undefined, add: (key: string, values: Values) => string | undefined): BadRows {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const bad = new BadRows();
  let layout: Layout | undefined;
  const end = forEachCsvRow(text, (row: CsvRow) => {
    if (layout === undefined) {
      layout = layoutOf(row.fields, keyColumn, spec);
      return;
    }
    if (row.fields.length !== layout.width) return bad.add(row.line, `${row.fields.length} fields, the header has ${layout.width}`);
    const key = row.fields[layout.key]!;
    if (key === "") return bad.add(row.line, "no key");
    const values = layout.fields.map((i) => (row.fields[i] === "" ? undefined : row.fields[i]));
    const refused = add(key, values);
    if (refused !== undefined) bad.add(row.line, refused);
  });
  if (layout === undefined) throw new Error(end.unterminatedAt !== undefined ? "a quoted field is not closed (no header row)" : "empty file (no header row)");
  if (end.unterminatedAt !== undefined) bad.add(end.unterminatedAt, "a quoted field is not closed before the end of the file");
  return bad;
}

function prefixOf(text: string): Prefix | string {
  try {
    if (!text.includes("/")) {
      const address = parseAddress(text);
      return { address, length: isV4Mapped(address) ? 32 : 128 };
    }
    return parsePrefix(text);
  } catch (e) {
    return (e as Error).message;
  }
}

function loadPrefixCsv(bytes: Uint8Array, spec: PrefixLookupSpec): TableLoad {
  const table = new PrefixTable<Values>();
  const badRows = readRows(bytes, spec, spec.keyColumn, (key, values) => {
    const p = prefixOf(key);
    if (typeof p === "string") return p;
    return table.add(p, values) ? undefined : `${key}: a prefix already in the table`;
  });
  const address = addressOf(spec.key);
  const { v4, v6 } = table.sizes;
  return {
    lookup: {
      values: (f) => {
        const a = address(f);
        return a === undefined ? undefined : table.lookup(a);
      },
    },
    description: `${table.size} prefix${table.size === 1 ? "" : "es"} (${v4} IPv4, ${v6} IPv6)`,
    badRows,
  };
}

function loadExactCsv(bytes: Uint8Array, spec: ExactSpec): TableLoad {
  const table = new ExactTable<Values>(spec.key);
  const normalise = keyNormaliser(spec.key);
  const badRows = readRows(bytes, spec, spec.keyColumn, (key, values) => {
    const k = normalise(key);
    if (k instanceof Error) return k.message;
    return table.add(k, values) ? undefined : `${JSON.stringify(key)}: a key already in the table`;
  });
  return { lookup: { values: (f) => table.lookup(f) }, description: `${table.size} key${table.size === 1 ? "" : "s"}`, badRows };
}

/** Builds the table of a CSV source; throws an Error saying why the file is no table. */
export function loadCsvTable(bytes: Uint8Array, spec: EnrichSpec): TableLoad {
  return spec.type === "exact" ? loadExactCsv(bytes, spec) : loadPrefixCsv(bytes, spec);
}
