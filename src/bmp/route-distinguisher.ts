// Route distinguishers (RFC 4364 section 4.2) as text. BMP carries one as the
// 8-octet peer distinguisher of an RD instance peer (RFC 7854 section 4.2) and
// of a VRF's Loc-RIB (RFC 9069 section 4.1); the global instance's is zero.
// The octets are a 2-octet type and a 6-octet value:
//   type 0: 2-octet AS number : 4-octet number   "65500:108"
//   type 1: IPv4 address      : 2-octet number   "192.0.2.1:7"
//   type 2: 4-octet AS number : 2-octet number   "4200000000:7"
// Each value has exactly one text form, so a configured distinguisher matches
// what `rfm rib` prints. Zero is "0". What no form above says unambiguously
// (another type, a type 2 with an AS number below 65536, a locally defined
// instance value) is "0x" and the 16 hex digits of the octets.
import { isIPv4 } from "node:net";

const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;

const FORMS = '"0" (the global instance), AS:NUMBER ("65500:108"), IPV4:NUMBER ("192.0.2.1:7") or 0x and 16 hex digits';

/** The distinguisher as 64 unsigned bits, from its text; throws an Error saying what is wrong. */
export function parseRouteDistinguisher(text: string): bigint {
  if (text === "0") return 0n;
  if (/^0x[0-9a-f]{16}$/iu.test(text)) return BigInt(text);
  const colon = text.lastIndexOf(":");
  const admin = text.slice(0, colon);
  const assigned = text.slice(colon + 1);
  if (colon < 0 || !/^\d+$/u.test(assigned) || !(isIPv4(admin) || /^\d+$/u.test(admin))) {
    throw new Error(`${JSON.stringify(text)} is not a route distinguisher: write ${FORMS}`);
  }
  const number = Number(assigned);
  if (isIPv4(admin)) {
    if (number > U16_MAX) throw new Error(`${JSON.stringify(text)}: the number after an IPv4 address must be at most ${U16_MAX}`);
    const [a = 0, b = 0, c = 0, d = 0] = admin.split(".").map(Number);
    return (1n << 48n) | (BigInt((((a << 24) | (b << 16) | (c << 8) | d) >>> 0)) << 16n) | BigInt(number);
  }
  const asn = Number(admin);
  if (asn > U32_MAX) throw new Error(`${JSON.stringify(text)}: the AS number must be at most ${U32_MAX}`);
  if (asn <= U16_MAX) {
    if (number > U32_MAX) throw new Error(`${JSON.stringify(text)}: the number after a 2-octet AS number must be at most ${U32_MAX}`);
    return (BigInt(asn) << 32n) | BigInt(number);
  }
  if (number > U16_MAX) {
    throw new Error(`${JSON.stringify(text)}: the number after a 4-octet AS number (above ${U16_MAX}) must be at most ${U16_MAX}`);
  }
  return (2n << 48n) | (BigInt(asn) << 16n) | BigInt(number);
}

/** The one text form of a distinguisher (any 64-bit value; negative ones are read as unsigned). */
export function formatRouteDistinguisher(distinguisher: bigint): string {
  const d = BigInt.asUintN(64, distinguisher);
  if (d === 0n) return "0";
  const type = Number(d >> 48n);
  const value = d & 0xffff_ffff_ffffn;
  if (type === 0) return `${value >> 32n}:${value & 0xffff_ffffn}`;
  if (type === 1) {
    const ip = Number(value >> 16n);
    return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}:${value & 0xffffn}`;
  }
  if (type === 2 && value >> 16n > BigInt(U16_MAX)) return `${value >> 16n}:${value & 0xffffn}`;
  return `0x${d.toString(16).padStart(16, "0")}`;
}
