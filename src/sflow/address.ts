// The spec's address union: a type word, then 0, 4 or 16 octets. Text on
// our side: dotted IPv4, RFC 5952 IPv6 (an IPv4-mapped one keeps its
// ::ffff: prefix, so it stays type 2 when written back), "" for unknown.
import { formatIpv4, formatIpv6 } from "../ipfix/address-text.js";
import type { SflowError } from "./decode-error.js";
import { ADDRESS_IPV4, ADDRESS_IPV6, ADDRESS_UNKNOWN } from "./wire.js";
import type { XdrReader } from "./xdr-reader.js";

/** The address at the cursor, or the error that stops its structure. */
export function readAddress(r: XdrReader, what: string): string | SflowError {
  const at = r.pos;
  if (!r.has(4)) return { code: "bad_record", offset: at, message: `${what}: the record ends before the address type` };
  const type = r.u32();
  if (type === ADDRESS_UNKNOWN) return "";
  const length = type === ADDRESS_IPV4 ? 4 : type === ADDRESS_IPV6 ? 16 : -1;
  if (length < 0) return { code: "bad_address_type", offset: at, message: `${what}: address type ${type}; sFlow has 0 (unknown), 1 (IPv4) and 2 (IPv6)` };
  if (!r.has(length)) return { code: "bad_record", offset: r.pos, message: `${what}: ${r.left} octets left for an ${length === 4 ? "IPv4" : "IPv6"} address` };
  const text = length === 4 ? formatIpv4(r.bytes, r.pos) : formatIpv6(r.bytes, r.pos);
  r.pos += length;
  return text;
}
