// Problems with the configured MaxMind DB files, each named by its config key
// and path, all in one error so the operator sees every one at once.

export type MmdbKey = "asn_db" | "city_db";

export interface MmdbFailure {
  key: MmdbKey;
  path: string;
  reason: string;
}

export function keyName(key: MmdbKey): string {
  return `agent.enrich.mmdb.${key}`;
}

export class MmdbError extends Error {
  override readonly name = "MmdbError";
  readonly failures: readonly MmdbFailure[];

  constructor(action: "open" | "reload", failures: readonly MmdbFailure[]) {
    super(failures.map((f) => `${keyName(f.key)}: cannot ${action} ${JSON.stringify(f.path)}: ${f.reason}`).join("\n"));
    this.failures = failures;
  }
}
