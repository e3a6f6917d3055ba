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

  /** A non-negative integer below 2^53, in decimal. */
  uint(v: number): void {
    this.ensure(16);
    const b = this.buf;
    if (v < 10) {
      b[this.pos++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let x = v; x >= 1; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = v; x >= 1; x = Math.floor(x / 10)) b[--p] = 48 + (x % 10);
  }

  /** Any number as JavaScript prints it (fractions, negatives). */
  number(v: number): void {
    if (Number.isInteger(v) && v >= 0 && v < 2 ** 53) this.uint(v);
    else this.ascii(String(v));
  }

  /** Exactly `width` digits, zero-padded (v below 10^width). */
  padded(v: number, width: number): void {
    this.ensure(width);
    const b = this.buf;
    for (let i = width - 1, x = v; i >= 0; i--, x = Math.floor(x / 10)) b[this.pos + i] = 48 + (x % 10);
    this.pos += width;
  }

  /** Unix nanoseconds from milliseconds and the nanoseconds within them (see ns-text.ts). */
  ns(ms: number, nsWithinMs?: number): void {
    const { ms: whole, ns } = splitNs(ms, nsWithinMs);
    if (whole < 0) {
      this.ascii((BigInt(whole) * 1_000_000n + BigInt(ns)).toString());
    } else if (whole === 0) {
      this.uint(ns);
    } else {
      this.uint(whole);
      this.padded(ns, 6);
    }
  }

  /** A 16-octet address: IPv4-mapped as a dotted quad, else RFC 5952 text. */
  address(a: Uint8Array): void {
    if (isV4Mapped(a)) {
      this.uint(a[12]!);
      this.byte(46);
      this.uint(a[13]!);
      this.byte(46);
      this.uint(a[14]!);
      this.byte(46);
      this.uint(a[15]!);
    } else this.ascii(formatAddress(a));
  }
}
