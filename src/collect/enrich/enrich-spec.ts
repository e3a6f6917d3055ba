// `--enrich SPEC`, RustFlow's syntax: comma-separated name=value parameters.
//   type=prefix_lookup,source=asn.csv|geo.mmdb,key=src_addr|dst_addr|next_hop|sampler_address,
//     fields=col:name;col2:name2[,key_column=COL][,reload=DUR|watch|never]
//   type=exact,source=protocols.csv,key=<common field>,key_column=COL,fields=...
// Parsing checks everything that does not need the file; a bad spec is a
// usage error whose message names the part at fault.
import { parseDuration } from "../../config/duration.js";
import { COMMON_COLUMNS } from "../format/common-columns.js";

export const ADDRESS_KEYS = ["src_addr", "dst_addr", "next_hop", "sampler_address"] as const;
export type AddressKey = (typeof ADDRESS_KEYS)[number];

/** A value of the source (CSV column, MMDB dotted path) written as enrichment column `to`. */
export interface FieldMap {
  from: string;
  to: string;
}

export type ReloadSpec = { kind: "never" } | { kind: "interval"; ms: number } | { kind: "watch" };

interface SpecBase {
  /** The spec as given, for messages. */
  text: string;
  source: string;
  fields: readonly FieldMap[];
  reload: ReloadSpec;
}

export interface PrefixLookupSpec extends SpecBase {
  type: "prefix_lookup";
  format: "csv" | "mmdb";
  key: AddressKey;
  /** CSV: the prefix column; unset, the first of prefix, cidr, network the header has. */
  keyColumn?: string;
}

export interface ExactSpec extends SpecBase {
  type: "exact";
  format: "csv";
  /** A common field name (`proto`, `dst_port`, `sampler_address`...). */
  key: string;
  keyColumn: string;
}

export type EnrichSpec = PrefixLookupSpec | ExactSpec;

/** Shortest reload interval: a table is read whole each time. */
export const MIN_RELOAD_MS = 1000;

const PARAMETERS = ["type", "source", "key", "key_column", "fields", "reload"] as const;
type Parameter = (typeof PARAMETERS)[number];
const COMMON_NAMES: ReadonlySet<string> = new Set(COMMON_COLUMNS.map((c) => c.name));

export class EnrichSpecError extends Error {
  override readonly name = "EnrichSpecError";
}

const fail = (why: string): never => {
  throw new EnrichSpecError(why);
};
const quote = (s: string) => JSON.stringify(s);
const oneOf = (names: readonly string[]) => `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;

function parameters(text: string): Map<Parameter, string> {
  const out = new Map<Parameter, string>();
  for (const part of text.split(",")) {
    if (part.trim() === "") fail(`an empty parameter (two commas, or one at an end)`);
    const eq = part.indexOf("=");
    if (eq < 0) fail(`${quote(part)}: expected name=value`);
    const name = part.slice(0, eq).trim();
    if (!(PARAMETERS as readonly string[]).includes(name)) fail(`${quote(part)}: unknown parameter ${quote(name)} (expected ${oneOf(PARAMETERS)})`);
    if (out.has(name as Parameter)) fail(`${name}: given twice`);
    const value = part.slice(eq + 1).trim();
    if (value === "") fail(`${name}: empty`);
    out.set(name as Parameter, value);
  }
  return out;
}

function formatOf(source: string): "csv" | "mmdb" {
  const lower = source.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".mmdb")) return "mmdb";
  return fail(`source: ${quote(source)}: expected a .csv or .mmdb file (the format is told by the extension)`);
}

function fieldsOf(value: string, format: "csv" | "mmdb"): FieldMap[] {
  const out: FieldMap[] = [];
  for (const item of value.split(";")) {
    const colon = item.lastIndexOf(":");
    const from = colon < 0 ? "" : item.slice(0, colon).trim();
    const to = colon < 0 ? "" : item.slice(colon + 1).trim();
    if (from === "" || to === "") fail(`fields: ${quote(item)}: expected ${format === "mmdb" ? "path" : "column"}:name`);
    if (format === "mmdb" && from.split(".").some((s) => s === "")) fail(`fields: ${quote(from)}: a dotted path has an empty step`);
    if (COMMON_NAMES.has(to)) fail(`fields: ${quote(to)} is a common field; an enrichment column needs a name of its own`);
    if (out.some((f) => f.to === to)) fail(`fields: column ${quote(to)} named twice`);
    out.push({ from, to });
  }
  return out;
}

function reloadOf(value: string | undefined): ReloadSpec {
  if (value === undefined || value === "never") return { kind: "never" };
  if (value === "watch") return { kind: "watch" };
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (e) {
    return fail(`reload: ${(e as Error).message} (or watch, never)`);
  }
  if (ms < MIN_RELOAD_MS) fail(`reload: ${quote(value)}: at least 1s`);
  return { kind: "interval", ms };
}

/** One `--enrich` value; throws an EnrichSpecError naming the bad part. */
export function parseEnrichSpec(text: string): EnrichSpec {
  const p = parameters(text);
  const type = p.get("type") ?? fail(`missing type= (prefix_lookup or exact)`);
  const source = p.get("source") ?? fail(`missing source=FILE.csv or FILE.mmdb`);
  const key = p.get("key");
  const fieldsText = p.get("fields") ?? fail(`missing fields=column:name;...`);
  if (fieldsText.includes("@")) fail(`fields: ${quote(fieldsText)}: key@column groups (RustFlow's later syntax) are not supported; give key= and one --enrich per key`);
  const keyColumn = p.get("key_column");
  const reload = reloadOf(p.get("reload"));
  if (type === "prefix_lookup") {
    const format = formatOf(source);
    if (key === undefined) fail(`missing key= (${oneOf(ADDRESS_KEYS)})`);
    if (!(ADDRESS_KEYS as readonly string[]).includes(key!)) fail(`key: ${quote(key!)} cannot be looked up by prefix (expected ${oneOf(ADDRESS_KEYS)})`);
    if (format === "mmdb" && keyColumn !== undefined) fail(`key_column: a MaxMind DB has no columns`);
    const fields = fieldsOf(fieldsText, format);
    return { type, text, source, format, key: key as AddressKey, fields, reload, ...(keyColumn !== undefined ? { keyColumn } : {}) };
  }
  if (type === "exact") {
    if (formatOf(source) !== "csv") fail(`source: ${quote(source)}: exact lookups read CSV files`);
    if (key === undefined) fail(`missing key= (a common field such as proto or dst_port)`);
    if (!COMMON_NAMES.has(key!)) fail(`key: ${quote(key!)} is not a common field${suggestion(key!)}`);
    if (keyColumn === undefined) fail(`missing key_column= (the CSV column the ${key!} values are in)`);
    return { type, text, source, format: "csv", key: key!, keyColumn: keyColumn!, fields: fieldsOf(fieldsText, "csv"), reload };
  }
  return fail(`type: ${quote(type)} is not a lookup type (expected prefix_lookup or exact)`);
}

/** " (did you mean x?)" for a common field name one edit or a prefix away. */
function suggestion(name: string): string {
  for (const c of COMMON_NAMES) if ((name.length >= 3 && (c.startsWith(name) || name.startsWith(c))) || distance(c, name) <= 2) return ` (did you mean ${c}?)`;
  return "";
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** The enrichment columns of the specs, in order: what the formats append. */
export function enrichColumnNames(specs: readonly EnrichSpec[]): string[] {
  return specs.flatMap((s) => s.fields.map((f) => f.to));
}

/** Why specs cannot go together (a column named by two), or undefined. */
export function enrichSpecsProblem(specs: readonly EnrichSpec[]): string | undefined {
  const seen = new Map<string, string>();
  for (const s of specs) {
    for (const f of s.fields) {
      const other = seen.get(f.to);
      if (other !== undefined) return `--enrich: column ${quote(f.to)} is named by two specs (${other} and ${s.source})`;
      seen.set(f.to, s.source);
    }
  }
  return undefined;
}
