// Dotted paths into MaxMind DB records (`country.iso_code`, `city.names.en`,
// `subdivisions.0.iso_code`, `autonomous_system_number`), RustFlow's way of
// naming a value, and the value as the text of an enrichment column: strings
// as they are, numbers and booleans in their JSON form, maps and arrays as
// JSON. Records are untyped data from a file: every step is checked.

/** A path split into its steps once, when the spec is read. */
export type MmdbPath = readonly string[];

export function compilePath(dotted: string): MmdbPath {
  return dotted.split(".");
}

/** The value at the path, as text; undefined when the record has nothing there. */
export function valueAt(record: unknown, path: MmdbPath): string | undefined {
  let v = record;
  for (const step of path) {
    if (typeof v !== "object" || v === null) return undefined;
    if (Array.isArray(v)) {
      if (!/^\d+$/.test(step)) return undefined;
      v = v[Number(step)];
    } else {
      v = Object.prototype.hasOwnProperty.call(v, step) ? (v as Record<string, unknown>)[step] : undefined;
    }
  }
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      return v === null ? undefined : JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
    default:
      return undefined;
  }
}
