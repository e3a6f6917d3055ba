// The text formats write bytes, not strings: one growing buffer per encoder,
// reused for every batch, numbers written as digits and addresses as dotted
// quads straight from their octets. Building a batch as JavaScript strings
// made dozens of intermediate strings per record, and the collector spent
// half its time collecting them.
import { formatAddress, isV4Mapped } from "../../net/address.js";
import { splitNs } from "./ns-text.js";

const encoder = new TextEncoder();

export class TextBuffer {
  buf = new Uint8Array(1 << 16);
  /** The same octets, for stores of four at a time. */
  view = new DataView(this.buf.buffer);
  pos = 0;

  /** Starts a batch; the previous batch's bytes are no longer valid. */
  reset(): void {
    this.pos = 0;
  }

  /** The batch so far: a view valid until the next reset. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Text known to be ASCII (names, flow types, addresses). */
  ascii(s: string): void {
    this.ensure(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  /** Octets prepared once (a column's `"name":`). */
  raw(a: Uint8Array): void {
    this.ensure(a.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < a.length; i++) b[p++] = a[i]!;
    this.pos = p;
  }

  /** A non-negative integer below 2^53, in decimal. */
  uint(v: number): void {
    this.ensure(16);
    this.pos = putUint(this.buf, this.pos, v);
  }

  /** Any number as JavaScript prints it (fractions, negatives). */
  number(v: number): void {
    this.ensure(MAX_NUMBER_TEXT);
    this.pos = putNumber(this.buf, this.pos, v);
  }

  /** Exactly `width` digits, zero-padded (v below 10^width, at most 2^32). */
  padded(v: number, width: number): void {
    this.ensure(width);
    this.pos = putPadded(this.buf, this.pos, v, width);
  }

  /** Unix nanoseconds from milliseconds and the nanoseconds within them (see ns-text.ts). */
  ns(ms: number, nsWithinMs?: number): void {
    this.ensure(MAX_NUMBER_TEXT);
    this.pos = putNs(this.buf, this.pos, ms, nsWithinMs);
  }

  /** A 16-octet address: IPv4-mapped as a dotted quad, else RFC 5952 text. */
  address(a: Uint8Array): void {
    this.ensure(MAX_ADDRESS_TEXT);
    this.pos = putAddress(this.buf, this.pos, a);
  }
}

// The writers below put text at `p` in `b` and return the offset after it. They do not grow the
// buffer: the caller has made room (at most MAX_NUMBER_TEXT or MAX_ADDRESS_TEXT octets).

/** Octets a number's or a time's text can take ("-1.2345678901234567e-300"). */
export const MAX_NUMBER_TEXT = 32;
/** Octets an address's text can take (the longest IPv6 form). */
export const MAX_ADDRESS_TEXT = 45;

/** Text known to be ASCII, at most as long as the room made for it. */
export function putAscii(b: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  return p;
}

/** Decimal digits of a 32-bit unsigned integer. */
function putUint32(b: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    b[p] = 48 + v;
    return p + 1;
  }
  const digits = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10;
  let e = p + digits;
  for (let x = v; e > p; ) {
    const q = (x / 10) >>> 0;
    b[--e] = 48 + x - q * 10;
    x = q;
  }
  return p + digits;
}

/** Exactly `width` digits, zero-padded. */
export function putPadded(b: Uint8Array, p: number, v: number, width: number): number {
  let x = v >>> 0;
  for (let i = p + width - 1; i >= p; i--) {
    const q = (x / 10) >>> 0;
    b[i] = 48 + x - q * 10;
    x = q;
  }
  return p + width;
}

/** A non-negative integer below 2^53. */
export function putUint(b: Uint8Array, p: number, v: number): number {
  if (v < 4294967296) return putUint32(b, p, v >>> 0);
  // Above 32 bits (times in ms, byte totals): the high part, then 8 zero-padded digits.
  const hi = Math.floor(v / 1e8);
  return putPadded(b, putUint32(b, p, hi), v - hi * 1e8, 8);
}

/** Any number as JavaScript prints it. */
export function putNumber(b: Uint8Array, p: number, v: number): number {
  if (v >= 0 && v < 9007199254740992 && Math.floor(v) === v) return putUint(b, p, v);
  return putAscii(b, p, String(v));
}

/** Unix nanoseconds from milliseconds and the nanoseconds within them (see ns-text.ts). */
export function putNs(b: Uint8Array, p: number, ms: number, nsWithinMs: number | undefined): number {
  const { ms: whole, ns } = splitNs(ms, nsWithinMs);
  if (whole < 0) return putAscii(b, p, (BigInt(whole) * 1_000_000n + BigInt(ns)).toString());
  if (whole === 0) return putUint(b, p, ns);
  return putPadded(b, putUint(b, p, whole), ns, 6);
}

/** A 16-octet address: IPv4-mapped as a dotted quad, else RFC 5952 text. */
export function putAddress(b: Uint8Array, p: number, a: Uint8Array): number {
  if (!isV4Mapped(a)) return putAscii(b, p, formatAddress(a));
  p = putUint32(b, p, a[12]!);
  b[p++] = 46;
  p = putUint32(b, p, a[13]!);
  b[p++] = 46;
  p = putUint32(b, p, a[14]!);
  b[p++] = 46;
  return putUint32(b, p, a[15]!);
}
