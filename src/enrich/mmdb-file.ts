// One configured MaxMind DB file and the copy of it in service. Updaters
// (geoipupdate, cron jobs) replace the file by rename, so the whole file is
// read into memory and a changed inode, size or mtime means a new version.

import { readFailureReason } from "../read-failure.js";
import { fileSignature, signatureOf } from "./file-signature.js";
import { open } from "node:fs/promises";
import type { log } from "../log/logger.js";
import { keyName, MmdbError, type MmdbFailure, type MmdbKey } from "./mmdb-error.js";
import { MmdbReader } from "./mmdb-reader.js";

export type EnrichLogger = Pick<typeof log, "info" | "warn">;


interface Loaded {
  reader: MmdbReader;
  signature: string;
}

export class MmdbFile {
  private loaded: Loaded;
  // The version that last failed to load, so a bad file is reported once, not every check.
  private failedSignature: string | undefined;

  private constructor(
    readonly key: MmdbKey,
    readonly path: string,
    loaded: Loaded,
    private readonly logger: EnrichLogger,
  ) {
    this.loaded = loaded;
  }

  /** Reads the file; throws an MmdbError naming the key, path and reason when it cannot be used. */
  static async open(key: MmdbKey, path: string, logger: EnrichLogger): Promise<MmdbFile> {
    let loaded: Loaded;
    try {
      loaded = await MmdbFile.read(key, path, logger);
    } catch (err) {
      throw new MmdbError("open", [{ key, path, reason: readFailureReason(err) }]);
    }
    const file = new MmdbFile(key, path, loaded, logger);
    file.logLoaded("mmdb opened");
    return file;
  }

  get reader(): MmdbReader {
    return this.loaded.reader;
  }

  /**
   * Reloads the file if it changed since it was read. A file that fails to
   * load leaves the current one in service and is returned as the failure;
   * unless `retry`, the same failed version is not read (or logged) again.
   */
  async refresh(retry: boolean): Promise<MmdbFailure | undefined> {
    const current = await fileSignature(this.path);
    if (current === this.loaded.signature) {
      this.failedSignature = undefined;
      return undefined;
    }
    if (current === this.failedSignature && !retry) return undefined;
    try {
      this.loaded = await MmdbFile.read(this.key, this.path, this.logger);
      this.failedSignature = undefined;
      this.logLoaded("mmdb reloaded");
      return undefined;
    } catch (err) {
      this.failedSignature = current;
      const failure: MmdbFailure = {
        key: this.key,
        path: this.path,
        reason: `${readFailureReason(err)} (the database built ${this.reader.buildEpoch.toISOString()} stays in service)`,
      };
      this.logger.warn("mmdb reload failed", { key: keyName(this.key), path: this.path, reason: failure.reason });
      return failure;
    }
  }

  // One descriptor for stat and read: a rename mid-read cannot mix two versions.
  private static async read(key: MmdbKey, path: string, logger: EnrichLogger): Promise<Loaded> {
    const handle = await open(path, "r");
    try {
      const st = await handle.stat({ bigint: true });
      if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      const buffer = await handle.readFile();
      const reader = new MmdbReader(buffer, (address, err) => {
        logger.warn("mmdb lookup failed; further failures of this file are not logged", {
          key: keyName(key),
          path,
          address,
          reason: err.message,
        });
      });
      return { reader, signature: signatureOf(st) };
    } finally {
      await handle.close();
    }
  }

  private logLoaded(message: string): void {
    this.logger.info(message, {
      key: keyName(this.key),
      path: this.path,
      type: this.reader.databaseType,
      built: this.reader.buildEpoch.toISOString(),
    });
  }
}
