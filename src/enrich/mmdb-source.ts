// The MaxMind DBs of [agent.enrich.mmdb], kept current while the agent runs:
// opened at start (a file that cannot be used stops the start), checked every
// minute for a replacement, reloaded on demand (`rfm reload mmdb`).

import type { MmdbConfig } from "../config/index.js";
import { log } from "../log/logger.js";
import { MmdbError, type MmdbFailure, type MmdbKey } from "./mmdb-error.js";
import { MmdbFile, type EnrichLogger } from "./mmdb-file.js";
import type { MmdbVersions } from "./mmdb-versions.js";

const MINUTE = 60_000;

export interface MmdbSourceOptions {
  /** How often to look for replaced files, in milliseconds; one minute by default. */
  checkIntervalMs?: number;
  logger?: EnrichLogger;
}

async function openIfSet(key: MmdbKey, path: string, logger: EnrichLogger): Promise<MmdbFile | null> {
  return path === "" ? null : MmdbFile.open(key, path, logger);
}

export class MmdbSource {
  private asn: MmdbFile | null;
  private city: MmdbFile | null;
  private readonly timer: NodeJS.Timeout;
  // Checks run one at a time: a reload() during a periodic check waits for it.
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(asn: MmdbFile | null, city: MmdbFile | null, options: MmdbSourceOptions, private readonly logger: EnrichLogger) {
    this.asn = asn;
    this.city = city;
    // A failed check is logged by check(); the timer has no one else to tell.
    this.timer = setInterval(() => this.check(false).catch(() => undefined), options.checkIntervalMs ?? MINUTE);
    this.timer.unref(); // never what keeps the process alive
  }

  /** Opens the configured files; throws an MmdbError naming every one that cannot be used. */
  static async open(config: MmdbConfig, options: MmdbSourceOptions = {}): Promise<MmdbSource> {
    const logger = options.logger ?? log;
    const [asn, city] = await Promise.allSettled([
      openIfSet("asn_db", config.asn_db, logger),
      openIfSet("city_db", config.city_db, logger),
    ]);
    const failures: MmdbFailure[] = [];
    for (const result of [asn, city]) {
      if (result.status === "fulfilled") continue;
      if (!(result.reason instanceof MmdbError)) throw result.reason;
      failures.push(...result.reason.failures);
    }
    if (asn.status === "rejected" || city.status === "rejected") throw new MmdbError("open", failures);
    return new MmdbSource(asn.value, city.value, options, logger);
  }

  /** The AS number for a 16-byte address (IPv4 mapped); 0 when unknown or not configured. */
  lookupAsn(address: Uint8Array): number {
    return this.asn === null ? 0 : this.asn.reader.asn(address);
  }

  /** The English city name for a 16-byte address (IPv4 mapped); "" when unknown or not configured. */
  lookupCity(address: Uint8Array): string {
    return this.city === null ? "" : this.city.reader.city(address);
  }

  versions(): MmdbVersions {
    const versions: MmdbVersions = {};
    if (this.asn !== null) versions.asn = new Date(this.asn.reader.buildEpoch);
    if (this.city !== null) versions.city = new Date(this.city.reader.buildEpoch);
    return versions;
  }

  /**
   * Checks the files now and reloads those that changed. Resolves to the
   * versions in service; rejects with an MmdbError naming each file that
   * failed to load (those stay on their previous version, the others reload).
   */
  async reload(): Promise<MmdbVersions> {
    const failures = await this.check(true);
    if (failures.length > 0) throw new MmdbError("reload", failures);
    return this.versions();
  }

  /** Stops the periodic check; lookups then answer 0 and "". */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.asn = null;
    this.city = null;
  }

  private check(retry: boolean): Promise<MmdbFailure[]> {
    const run = this.queue.then(() => this.refreshAll(retry));
    this.queue = run.catch((err: unknown) => this.logger.warn("mmdb check failed", { reason: String(err) }));
    return run;
  }

  private async refreshAll(retry: boolean): Promise<MmdbFailure[]> {
    const failures: MmdbFailure[] = [];
    for (const file of [this.asn, this.city]) {
      if (this.closed || file === null) continue;
      const failure = await file.refresh(retry);
      if (failure !== undefined) failures.push(failure);
    }
    return failures;
  }
}
