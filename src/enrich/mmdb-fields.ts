// The values rfm reads out of MaxMind DB records. Records are untyped data
// from a file, so every step is checked rather than trusted.

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The AS number of a GeoLite2-ASN or DB-IP ASN record
 * (`autonomous_system_number` at the top level); 0 when absent.
 */
export function asnOf(record: unknown): number {
  const asn = field(record, "autonomous_system_number");
  return typeof asn === "number" && Number.isInteger(asn) && asn > 0 ? asn : 0;
}

/** The English city name of a GeoLite2-City record (`city.names.en`); "" when absent. */
export function cityOf(record: unknown): string {
  const name = field(field(field(record, "city"), "names"), "en");
  return typeof name === "string" ? name : "";
}
