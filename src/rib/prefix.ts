// Prefixes as the RIB takes them: the 16-byte address form used across rfm
// (IPv4 mapped into ::ffff:0:0/96) and a length counted in the family's own
// bits (IPv4 0..32, IPv6 0..128). Bits past the length are ignored.
import { formatAddress, isV4Mapped, parseAddress } from "../net/address.js";
import { wordAt, wordMask } from "./address-words.js";

export interface Prefix {
  /** 16 bytes; IPv4 as ::ffff:a.b.c.d. Only read during the call. */
  address: Uint8Array;
  /** IPv4: 0..32, IPv6: 0..128. */
  length: number;
}

/**
 * Writes the prefix's key into `out` (IPv4: one word, IPv6: four, network
 * order, bits past the length cleared) and returns its family, or 0 when the
 * address or the length is not valid.
 */
export function prefixKey(p: Prefix, out: Uint32Array): 0 | 4 | 6 {
  const a = p.address;
  const len = p.length;
  if (!(a instanceof Uint8Array) || a.length !== 16 || !Number.isInteger(len) || len < 0) return 0;
  if (isV4Mapped(a)) {
    if (len > 32) return 0;
    out[0] = (wordAt(a, 12) & wordMask(len)) >>> 0;
    return 4;
  }
  if (len > 128) return 0;
  for (let i = 0; i < 4; i++) out[i] = (wordAt(a, i * 4) & wordMask(len - i * 32)) >>> 0;
  return 6;
}

/** "192.0.2.0/24", "2001:db8::/32" (host bits need not be zero); throws when malformed. */
export function parsePrefix(text: string): Prefix {
  const slash = text.lastIndexOf("/");
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) throw new Error(`not a prefix: ${JSON.stringify(text)}`);
  const address = parseAddress(text.slice(0, slash));
  const length = Number(text.slice(slash + 1));
  if (length > (isV4Mapped(address) ? 32 : 128)) throw new Error(`prefix length out of range: ${JSON.stringify(text)}`);
  return { address, length };
}

/** Text of a key written by `prefixKey`. */
export function formatKey(family: 4 | 6, key: ArrayLike<number>, offset: number, length: number): string {
  const a = new Uint8Array(16);
  if (family === 4) {
    a[10] = a[11] = 0xff;
    putWord(a, 12, key[offset]!);
  } else {
    for (let i = 0; i < 4; i++) putWord(a, i * 4, key[offset + i]!);
  }
  return `${formatAddress(a)}/${length}`;
}

function putWord(a: Uint8Array, o: number, w: number): void {
  a[o] = w >>> 24;
  a[o + 1] = (w >>> 16) & 0xff;
  a[o + 2] = (w >>> 8) & 0xff;
  a[o + 3] = w & 0xff;
}
