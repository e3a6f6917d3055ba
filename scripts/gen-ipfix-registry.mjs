#!/usr/bin/env node
// Generates src/ipfix/registry.generated.ts from IANA's "IPFIX Information
// Elements" CSV: one line per assigned element (id, name, abstract type,
// semantics, units). Reserved, unassigned and range rows are left out, and so
// are the NetFlow v9 compatibility ids, which have no data type.
//
//   node scripts/gen-ipfix-registry.mjs [path/to/ipfix-information-elements.csv]
//
// The CSV path defaults to data/ipfix-information-elements.csv, IANA's
// registry kept in the repository (replace it with a newer download, then run
// this). The test suite imports `renderRegistry` to
// check that the checked-in file matches the CSV.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_CSV = join(root, "data", "ipfix-information-elements.csv");
export const OUTPUT = join(root, "src", "ipfix", "registry.generated.ts");

// Kept in step with AbstractType (src/ipfix/abstract-types.ts) and Semantics
// (src/ipfix/information-element.ts): a CSV naming anything else fails here.
const TYPES = new Set([
  "octetArray", "unsigned8", "unsigned16", "unsigned32", "unsigned64", "signed8", "signed16", "signed32",
  "signed64", "float32", "float64", "boolean", "macAddress", "string", "dateTimeSeconds",
  "dateTimeMilliseconds", "dateTimeMicroseconds", "dateTimeNanoseconds", "ipv4Address", "ipv6Address",
  "basicList", "subTemplateList", "subTemplateMultiList",
]);
const SEMANTICS = new Set([
  "default", "quantity", "totalCounter", "deltaCounter", "identifier", "flags", "list", "snmpCounter", "snmpGauge",
]);

/**
 * RFC 4180 CSV: comma-separated fields, optionally in double quotes; inside
 * quotes a doubled quote is one quote, and commas and line breaks are data.
 * Returns rows of strings (CRLF and LF both end a row; a final newline does
 * not make an empty row).
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") endField();
    else if (c === "\n") endRow();
    else if (c === "\r" && text[i + 1] === "\n") {
      endRow();
      i++;
    } else field += c;
    i++;
  }
  if (quoted) throw new Error("CSV ends inside a quoted field");
  if (field !== "" || row.length > 0) endRow();
  return rows;
}

/** The assigned elements of the CSV, sorted by id; throws on a malformed registry. */
export function registryRows(csvText) {
  const [header, ...rows] = parseCsv(csvText);
  if (!header) throw new Error("empty CSV");
  const col = (name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`CSV has no "${name}" column (columns: ${header.join(", ")})`);
    return at;
  };
  const [cId, cName, cType, cSem, cUnits] = ["ElementID", "Name", "Data Type", "Data Type Semantics", "Units"].map(col);
  const out = [];
  const ids = new Set();
  const names = new Set();
  for (const r of rows) {
    const idText = (r[cId] ?? "").trim();
    const name = (r[cName] ?? "").trim();
    const type = (r[cType] ?? "").trim();
    // Ranges ("403-32767"), Reserved, Unassigned and the typeless NetFlow v9 ids.
    if (!/^\d+$/.test(idText) || type === "" || /^(reserved|unassigned)$/i.test(name)) continue;
    const id = Number(idText);
    if (id > 32767) throw new Error(`element id ${id} does not fit in 15 bits`);
    if (!TYPES.has(type)) throw new Error(`element ${id} (${name}): unknown data type "${type}"`);
    const semantics = (r[cSem] ?? "").trim();
    if (semantics !== "" && !SEMANTICS.has(semantics)) throw new Error(`element ${id} (${name}): unknown semantics "${semantics}"`);
    if (ids.has(id)) throw new Error(`element id ${id} appears twice`);
    if (names.has(name)) throw new Error(`element name ${name} appears twice`);
    ids.add(id);
    names.add(name);
    // Units are free text; one line keeps the table one row per element.
    const units = (r[cUnits] ?? "").replace(/\s+/g, " ").trim();
    out.push({ id, name, type, semantics, units });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The text of registry.generated.ts for this CSV. */
export function renderRegistry(csvText) {
  const rows = registryRows(csvText);
  const lines = rows.map((e) => `  [${e.id}, ${JSON.stringify(e.name)}, ${JSON.stringify(e.type)}, ${JSON.stringify(e.semantics)}, ${JSON.stringify(e.units)}],`);
  return `// Generated by scripts/gen-ipfix-registry.mjs from IANA's ipfix-information-elements.csv.
// Do not edit: rerun the script (test/ipfix/registry.test.ts checks it is current).
import type { AbstractType } from "./abstract-types.js";
import type { InformationElement, Semantics } from "./information-element.js";

type Row = readonly [id: number, name: string, type: AbstractType, semantics: Semantics | "", units: string];

const ROWS: readonly Row[] = [
${lines.join("\n")}
];

/** Every assigned IANA element (${rows.length}), by id. */
export const IANA_ELEMENTS: readonly InformationElement[] = ROWS.map(([id, name, type, semantics, units]) => ({
  id,
  name,
  type,
  ...(semantics ? { semantics } : {}),
  ...(units ? { units } : {}),
}));

const byId = new Map(IANA_ELEMENTS.map((e) => [e.id, e]));
const byName = new Map(IANA_ELEMENTS.map((e) => [e.name, e]));

export function elementById(id: number): InformationElement | undefined {
  return byId.get(id);
}

export function elementByName(name: string): InformationElement | undefined {
  return byName.get(name);
}
`;
}

function main() {
  const csvPath = resolve(process.argv[2] ?? DEFAULT_CSV);
  const text = renderRegistry(readFileSync(csvPath, "utf8"));
  writeFileSync(OUTPUT, text);
  const count = text.split("\n").filter((l) => l.startsWith("  [")).length;
  console.log(`gen-ipfix-registry: ${count} elements from ${csvPath} -> ${relative(process.cwd(), OUTPUT)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
