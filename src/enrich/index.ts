// The enrichment module's public surface.

export { MmdbError, type MmdbFailure, type MmdbKey } from "./mmdb-error.js";
export type { EnrichLogger } from "./mmdb-file.js";
export { MmdbReader } from "./mmdb-reader.js";
export { MmdbSource, type MmdbSourceOptions } from "./mmdb-source.js";
export { versionDates, type MmdbVersions } from "./mmdb-versions.js";
