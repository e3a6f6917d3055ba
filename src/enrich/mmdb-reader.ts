// One MaxMind DB held in memory, answering lookups for the flow table's
// 16-byte addresses. A lookup never throws: a corrupt record answers "not
// found", and only the first such failure is reported (a bad file would
// otherwise report once per flow).

import { Reader, type Response } from "maxmind";
import { formatAddress, isV4Mapped } from "../net/address.js";
import { DecodeCache } from "./decode-cache.js";
import { asnOf, cityOf } from "./mmdb-fields.js";

// "\xAB\xCD\xEFMaxMind.com" starts the metadata, the last section of the file.
const METADATA_MARKER = Buffer.from("abcdef4d61784d696e642e636f6d", "hex");
const DATA_SECTION_SEPARATOR = 16;
const CACHE_ENTRIES = 4096;

export type LookupErrorHandler = (address: string, err: Error) => void;

function errorOf(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export class MmdbReader {
  readonly buildEpoch: Date;
  readonly databaseType: string;
  private readonly reader: Reader<Response>;
  private readonly ipv4Only: boolean;
  private onLookupError: LookupErrorHandler | undefined;

  /**
   * Checks the bytes are a whole MaxMind DB; throws an Error saying why not.
   * mmdb-lib itself would accept a file without metadata and decode garbage.
   */
  constructor(buffer: Buffer, onFirstLookupError?: LookupErrorHandler) {
    const markerAt = buffer.lastIndexOf(METADATA_MARKER);
    if (markerAt < 0) throw new Error("not a MaxMind DB file (no metadata section; truncated?)");
    try {
      this.reader = new Reader<Response>(buffer, { cache: new DecodeCache(CACHE_ENTRIES) });
    } catch (err) {
      throw new Error(`not a MaxMind DB file (metadata unreadable: ${errorOf(err).message})`);
    }
    const { metadata } = this.reader;
    if (metadata.binaryFormatMajorVersion !== 2) {
      throw new Error(`unsupported MaxMind DB format version ${String(metadata.binaryFormatMajorVersion)} (expected 2)`);
    }
    if (metadata.ipVersion !== 4 && metadata.ipVersion !== 6) {
      throw new Error(`not a MaxMind DB file (ip_version ${String(metadata.ipVersion)})`);
    }
    const treeEnd = metadata.searchTreeSize + DATA_SECTION_SEPARATOR;
    if (!(treeEnd <= markerAt)) {
      throw new Error(`truncated MaxMind DB file (its search tree needs ${treeEnd} bytes, the file has ${markerAt} before its metadata)`);
    }
    this.ipv4Only = metadata.ipVersion === 4;
    this.buildEpoch = metadata.buildEpoch;
    this.databaseType = String(metadata.databaseType);
    this.onLookupError = onFirstLookupError;
  }

  /** The record for a 16-byte address (IPv4 mapped), or null: not found, or the lookup failed. */
  record(address: Uint8Array): unknown {
    if (address.length !== 16) return null;
    const v4 = isV4Mapped(address);
    // An IPv6 address would walk an IPv4-only tree by its first 32 bits.
    if (this.ipv4Only && !v4) return null;
    // Mapped addresses become dotted quads: databases keep IPv4 in their own
    // subtree, and many (Debian's Perl writer by default) do not alias ::ffff:0:0/96 to it.
    const text = formatAddress(address);
    try {
      return this.reader.get(text);
    } catch (err) {
      const report = this.onLookupError;
      this.onLookupError = undefined;
      report?.(text, errorOf(err));
      return null;
    }
  }

  /** The AS number for a 16-byte address; 0 when unknown. */
  asn(address: Uint8Array): number {
    return asnOf(this.record(address));
  }

  /** The English city name for a 16-byte address; "" when unknown. */
  city(address: Uint8Array): string {
    return cityOf(this.record(address));
  }
}
