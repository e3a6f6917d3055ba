// Which build of each MaxMind DB is in service, as `rfm status` and
// `rfm reload mmdb` show it. Apart from the source so that showing it does not
// load the MaxMind reader into an agent without databases.

/** The build time of each database in service; a key is absent when its file is not configured. */
export interface MmdbVersions {
  asn?: Date;
  city?: Date;
}

/** Build dates as people read them (YYYY-MM-DD), for `rfm status` and `rfm reload mmdb`. */
export function versionDates(v: MmdbVersions): { asn?: string; city?: string } {
  return {
    ...(v.asn ? { asn: v.asn.toISOString().slice(0, 10) } : {}),
    ...(v.city ? { city: v.city.toISOString().slice(0, 10) } : {}),
  };
}
