// What the binary formats (Protobuf, Parquet) need from a flow record that
// the text ones print: Unix nanoseconds as exact 64-bit integers (a double
// of nanoseconds since 1970 cannot hold them, see ns-text.ts), addresses as
// their 4 or 16 octets, MACs as 6.
import { isV4Mapped, parseAddress } from "../../net/address.js";
import { splitNs } from "./ns-text.js";

const TWO_32 = 4294967296;

/** Unix nanoseconds as a bigint, exactly. */
export function nsBigInt(ms: number, nsWithinMs?: number): bigint {
  const { ms: whole, ns } = splitNs(ms, nsWithinMs);
  return BigInt(whole) * 1_000_000n + BigInt(ns);
}

/**
 * Unix nanoseconds as the two 32-bit halves of a 64-bit two's complement
 * integer, written into `out` ([low, high]), without a bigint for times
 * from 1970 to 2554.
 */
export function nsHalves(ms: number, nsWithinMs: number | undefined, out: [number, number]): void {
  const { ms: whole, ns } = splitNs(ms, nsWithinMs);
  if (whole < 0 || whole >= 18_446_744_073_709) {
    const v = BigInt.asUintN(64, BigInt(whole) * 1_000_000n + BigInt(ns));
    out[0] = Number(v & 0xffffffffn);
    out[1] = Number(v >> 32n);
    return;
  }
  // whole = a·2^32 + b, so whole·10^6 + ns = a·10^6·2^32 + (b·10^6 + ns),
  // every product below 2^53.
  const a = Math.floor(whole / TWO_32);
  const t = (whole - a * TWO_32) * 1e6 + ns;
  const carry = Math.floor(t / TWO_32);
  out[0] = t - carry * TWO_32;
  out[1] = a * 1e6 + carry;
}

/** A 16-octet address as sent: its last 4 octets when it is IPv4 (mapped), else all 16 (a view, not a copy). */
export function addressOctets(a: Uint8Array): Uint8Array {
  return isV4Mapped(a) ? a.subarray(12, 16) : a;
}

/**
 * Address text (the exporter, next hops) to octets, remembering the answers:
 * a run has few distinct exporters and next hops. Text that is no address
 * gives undefined. Bounded: forgets everything past `max` entries.
 */
export class AddressOctetsCache {
  private readonly known = new Map<string, Uint8Array | undefined>();

  constructor(private readonly max = 4096) {}

  get(text: string): Uint8Array | undefined {
    const hit = this.known.get(text);
    if (hit !== undefined || this.known.has(text)) return hit;
    let octets: Uint8Array | undefined;
    try {
      octets = addressOctets(parseAddress(text)).slice();
    } catch {
      octets = undefined;
    }
    if (this.known.size >= this.max) this.known.clear();
    this.known.set(text, octets);
    return octets;
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 0x20;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

/** "00:1b:21:aa:bb:cc" (or with '-') into `out` (6 octets); false when the text is no MAC. */
export function macOctets(text: string, out: Uint8Array): boolean {
  if (text.length !== 17) return false;
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(text.charCodeAt(i * 3));
    const lo = hexDigit(text.charCodeAt(i * 3 + 1));
    if (hi < 0 || lo < 0) return false;
    if (i < 5 && text[i * 3 + 2] !== ":" && text[i * 3 + 2] !== "-") return false;
    out[i] = (hi << 4) | lo;
  }
  return true;
}
