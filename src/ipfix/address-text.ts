// Address values between their wire bytes and the text the codec hands out or
// takes in: dotted IPv4, RFC 5952 IPv6, colon-separated MAC.
import { formatAddress, isV4Mapped, parseAddress } from "../net/address.js";

/** IPv4 dotted quad to a 32-bit number; undefined when not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

export function formatIpv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** IPv6 text to 16 bytes; undefined when not IPv6 text. */
export function parseIpv6(text: string): Uint8Array | undefined {
  // parseAddress also takes IPv4 text (as a mapped address): not for an IPv6 field.
  if (!text.includes(":")) return undefined;
  try {
    return parseAddress(text);
  } catch {
    return undefined;
  }
}

/** RFC 5952 text; an IPv4-mapped address keeps its ::ffff: prefix (section 5). */
export function formatIpv6(bytes: Uint8Array, at: number): string {
  const a = bytes.subarray(at, at + 16);
  return isV4Mapped(a) ? `::ffff:${formatIpv4(a, 12)}` : formatAddress(a);
}

/** "00:1b:21:aa:bb:cc" (or with dashes) to 6 bytes; undefined when not a MAC address. */
export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

export function formatMac(bytes: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 6; i++) s += (i ? ":" : "") + bytes[at + i].toString(16).padStart(2, "0");
  return s;
}
