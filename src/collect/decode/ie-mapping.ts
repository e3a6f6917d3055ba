// `--ie-mapping FILE.csv`, RustFlow's format: `id,enterprise_number,name,data_type`
// rows that add information elements (enterprise ones, say) or override
// IANA's. The type is RustFlow's camelCase name (unsigned, signed and float
// take their width from the template) or one of RFC 7012's own. A bad row
// stops the start naming its line: a mapping half loaded would decode
// quietly wrong.
import { readFileSync } from "node:fs";
import { isAbstractType, type AbstractType } from "../../ipfix/abstract-types.js";
import type { ElementLookup, InformationElement } from "../../ipfix/index.js";
import { forEachCsvRow } from "../enrich/csv-rows.js";

const RUSTFLOW_TYPES: Readonly<Record<string, AbstractType>> = { unsigned: "unsigned64", signed: "signed64", float: "float64" };

export class IeMappingError extends Error {
  readonly code = "bad_ie_mapping";
}

/** The elements of a mapping file, by "enterprise/id". */
export function parseIeMapping(text: string, file: string): Map<string, InformationElement> {
  const out = new Map<string, InformationElement>();
  let header: string[] | undefined;
  const end = forEachCsvRow(text, ({ line, fields }) => {
    if (!header) {
      header = fields.map((f) => f.toLowerCase());
      for (const col of ["id", "enterprise_number", "name", "data_type"]) {
        if (!header.includes(col)) throw new IeMappingError(`${file}:${line}: the header needs a ${col} column (id,enterprise_number,name,data_type)`);
      }
      return;
    }
    const get = (col: string) => fields[header!.indexOf(col)]?.trim() ?? "";
    const id = Number(get("id"));
    const penText = get("enterprise_number");
    const pen = penText === "" ? 0 : Number(penText);
    const name = get("name");
    const typeText = get("data_type");
    const type = RUSTFLOW_TYPES[typeText] ?? (isAbstractType(typeText) ? typeText : undefined);
    if (!Number.isInteger(id) || id < 1 || id > 32767) throw new IeMappingError(`${file}:${line}: id ${JSON.stringify(get("id"))} is not an element id (1 to 32767)`);
    if (!Number.isInteger(pen) || pen < 0 || pen > 0xffffffff) throw new IeMappingError(`${file}:${line}: enterprise_number ${JSON.stringify(penText)} is not a private enterprise number`);
    if (name === "") throw new IeMappingError(`${file}:${line}: the name is empty`);
    if (!type) throw new IeMappingError(`${file}:${line}: data_type ${JSON.stringify(typeText)} is not one of unsigned, signed, float or an RFC 7012 type`);
    out.set(`${pen}/${id}`, { id, name, type });
  });
  if (end.unterminatedAt !== undefined) throw new IeMappingError(`${file}:${end.unterminatedAt}: a quoted field is not closed`);
  if (!header) throw new IeMappingError(`${file}: empty (the header is id,enterprise_number,name,data_type)`);
  return out;
}

/** A lookup that answers from the mapping first, then from `base`. */
export function withMapping(mapping: ReadonlyMap<string, InformationElement>, base: ElementLookup): ElementLookup {
  return (enterprise, id) => mapping.get(`${enterprise}/${id}`) ?? base(enterprise, id);
}

export function loadIeMapping(path: string): Map<string, InformationElement> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new IeMappingError(`--ie-mapping ${path}: ${(e as Error).message}`);
  }
  return parseIeMapping(text, path);
}
