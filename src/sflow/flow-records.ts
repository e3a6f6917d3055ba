// Flow records of enterprise 0, each read from the span of its record (the
// reader's pos to end, the record's stated length). A field that does not fit
// the span is a bad_record and the record is dropped; the caller reports
// octets left over and moves on to the next record either way.
import { formatIpv4, formatIpv6, formatMac } from "../ipfix/address-text.js";
import { dissectFrame } from "../packet/dissect.js";
import { readAddress } from "./address.js";
import type { SflowAsPathSegment, SflowFlowRecord } from "./datagram.js";
import type { SflowError } from "./decode-error.js";
import {
  EXTENDED_SWITCH_LENGTH, FLOW_EXTENDED_GATEWAY, FLOW_EXTENDED_ROUTER, FLOW_EXTENDED_SWITCH, FLOW_EXTENDED_URL, FLOW_EXTENDED_USER, FLOW_SAMPLED_ETHERNET,
  FLOW_SAMPLED_HEADER, FLOW_SAMPLED_IPV4, FLOW_SAMPLED_IPV6, headerLinkType, padded, SAMPLED_ETHERNET_LENGTH, SAMPLED_HEADER_FIXED, SAMPLED_IPV4_LENGTH,
  SAMPLED_IPV6_LENGTH,
} from "./wire.js";
import type { XdrReader } from "./xdr-reader.js";

const utf8 = new TextDecoder("utf-8");

const short = (name: string, r: XdrReader, need: number): SflowError => ({
  code: "bad_record",
  offset: r.pos,
  message: `${name}: ${r.left} octets, fewer than its ${need}`,
});

/** A length-prefixed XDR string, or the error. */
function readString(r: XdrReader, name: string, field: string): string | SflowError {
  const at = r.pos;
  if (!r.has(4)) return { code: "bad_record", offset: at, message: `${name}: the record ends before ${field}'s length` };
  const n = r.u32();
  if (!r.has(padded(n))) return { code: "bad_record", offset: at, message: `${name}: ${field} of ${n} octets, ${r.left} left in the record` };
  return utf8.decode(r.take(n, padded(n)));
}

/** Reads the record of `format` at the cursor; an error when it does not fit, undefined for a format not read here. */
export function readFlowRecord(r: XdrReader, format: number): SflowFlowRecord | SflowError | undefined {
  switch (format) {
    case FLOW_SAMPLED_HEADER: {
      const name = "sampled_header";
      if (!r.has(SAMPLED_HEADER_FIXED)) return short(name, r, SAMPLED_HEADER_FIXED);
      const headerProtocol = r.u32();
      const frameLength = r.u32();
      const stripped = r.u32();
      const at = r.pos;
      const n = r.u32();
      if (!r.has(padded(n))) return { code: "bad_record", offset: at, message: `${name}: a header of ${n} octets, ${r.left} left in the record` };
      const header = r.take(n, padded(n));
      return { type: name, headerProtocol, frameLength, stripped, header, layers: dissectFrame(header, headerLinkType(headerProtocol)) };
    }
    case FLOW_SAMPLED_ETHERNET: {
      if (!r.has(SAMPLED_ETHERNET_LENGTH)) return short("sampled_ethernet", r, SAMPLED_ETHERNET_LENGTH);
      const length = r.u32();
      // Each MAC is opaque[6]: 6 octets and 2 of XDR padding.
      const srcMac = formatMac(r.bytes, r.pos);
      const dstMac = formatMac(r.bytes, r.pos + 8);
      r.pos += 16;
      return { type: "sampled_ethernet", length, srcMac, dstMac, etherType: r.u32() };
    }
    case FLOW_SAMPLED_IPV4:
    case FLOW_SAMPLED_IPV6: {
      const v4 = format === FLOW_SAMPLED_IPV4;
      const need = v4 ? SAMPLED_IPV4_LENGTH : SAMPLED_IPV6_LENGTH;
      if (!r.has(need)) return short(v4 ? "sampled_ipv4" : "sampled_ipv6", r, need);
      const length = r.u32();
      const protocol = r.u32();
      const size = v4 ? 4 : 16;
      const srcAddr = v4 ? formatIpv4(r.bytes, r.pos) : formatIpv6(r.bytes, r.pos);
      const dstAddr = v4 ? formatIpv4(r.bytes, r.pos + size) : formatIpv6(r.bytes, r.pos + size);
      r.pos += 2 * size;
      const srcPort = r.u32();
      const dstPort = r.u32();
      const tcpFlags = r.u32();
      const last = r.u32();
      const common = { length, protocol, srcAddr, dstAddr, srcPort, dstPort, tcpFlags };
      return v4 ? { type: "sampled_ipv4", ...common, tos: last } : { type: "sampled_ipv6", ...common, priority: last };
    }
    case FLOW_EXTENDED_SWITCH:
      if (!r.has(EXTENDED_SWITCH_LENGTH)) return short("extended_switch", r, EXTENDED_SWITCH_LENGTH);
      return { type: "extended_switch", srcVlan: r.u32(), srcPriority: r.u32(), dstVlan: r.u32(), dstPriority: r.u32() };
    case FLOW_EXTENDED_ROUTER: {
      const name = "extended_router";
      const nextHop = readAddress(r, name);
      if (typeof nextHop !== "string") return nextHop;
      if (!r.has(8)) return short(name, r, 8);
      return { type: name, nextHop, srcMaskLength: r.u32(), dstMaskLength: r.u32() };
    }
    case FLOW_EXTENDED_GATEWAY:
      return readGateway(r);
    case FLOW_EXTENDED_USER: {
      const name = "extended_user";
      if (!r.has(4)) return short(name, r, 4);
      const srcCharset = r.u32();
      const srcUser = readString(r, name, "src_user");
      if (typeof srcUser !== "string") return srcUser;
      if (!r.has(4)) return short(name, r, 4);
      const dstCharset = r.u32();
      const dstUser = readString(r, name, "dst_user");
      if (typeof dstUser !== "string") return dstUser;
      return { type: name, srcCharset, srcUser, dstCharset, dstUser };
    }
    case FLOW_EXTENDED_URL: {
      const name = "extended_url";
      if (!r.has(4)) return short(name, r, 4);
      const direction = r.u32();
      const url = readString(r, name, "url");
      if (typeof url !== "string") return url;
      const host = readString(r, name, "host");
      if (typeof host !== "string") return host;
      return { type: name, direction, url, host };
    }
    default:
      return undefined;
  }
}

function readGateway(r: XdrReader): SflowFlowRecord | SflowError {
  const name = "extended_gateway";
  const nextHop = readAddress(r, name);
  if (typeof nextHop !== "string") return nextHop;
  if (!r.has(16)) return short(name, r, 16);
  const as = r.u32();
  const srcAs = r.u32();
  const srcPeerAs = r.u32();
  let at = r.pos;
  const segments = r.u32();
  // Each segment takes at least its 8-octet type and count: a count the record cannot hold is refused before any loop.
  if (segments * 8 > r.left) return { code: "bad_record", offset: at, message: `${name}: ${segments} AS path segments announced, ${r.left} octets left` };
  const asPath: SflowAsPathSegment[] = [];
  for (let i = 0; i < segments; i++) {
    if (!r.has(8)) return { code: "bad_record", offset: r.pos, message: `${name}: the record ends in AS path segment ${i + 1}` };
    const type = r.u32();
    at = r.pos;
    const count = r.u32();
    if (count * 4 > r.left) return { code: "bad_record", offset: at, message: `${name}: AS path segment ${i + 1} announces ${count} ASNs, ${r.left} octets left` };
    const asns = new Array<number>(count);
    for (let j = 0; j < count; j++) asns[j] = r.u32();
    asPath.push({ type, asns });
  }
  if (!r.has(4)) return short(name, r, 4);
  at = r.pos;
  const n = r.u32();
  if (n * 4 + 4 > r.left) return { code: "bad_record", offset: at, message: `${name}: ${n} communities and the local preference announced, ${r.left} octets left` };
  const communities = new Array<number>(n);
  for (let j = 0; j < n; j++) communities[j] = r.u32();
  return { type: name, nextHop, as, srcAs, srcPeerAs, asPath, communities, localPref: r.u32() };
}
