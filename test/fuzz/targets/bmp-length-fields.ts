// Where the lengths and counts of a BMP message are, found by walking a valid
// one: the common header, TLVs, the BGP messages inside (header length,
// OPEN parameter and capability lengths, UPDATE field lengths, every path
// attribute's length, AS_PATH segment counts, MP_REACH next-hop lengths).
// These are the fields the length-field mutation rewrites.
import {
  AttributeFlag,
  AttributeType,
  BGP_HEADER_LENGTH,
  BGP_MARKER_LENGTH,
  COMMON_HEADER_LENGTH,
  MessageType,
  OPEN_FIXED_LENGTH,
  PEER_UP_FIXED_LENGTH,
  PER_PEER_HEADER_LENGTH,
  PeerDownReason,
  TLV_HEADER_LENGTH,
} from "../../../src/bmp/wire.js";
import type { LengthField } from "../mutator.js";

/** The length and count fields of every message in `stream` (one message or several back to back). */
export function bmpLengthFields(stream: Uint8Array): LengthField[] {
  const out: LengthField[] = [];
  for (let p = 0; p + COMMON_HEADER_LENGTH <= stream.length; ) {
    const len = ((stream[p + 1] << 24) >>> 0) + (stream[p + 2] << 16) + (stream[p + 3] << 8) + stream[p + 4];
    if (len < COMMON_HEADER_LENGTH || p + len > stream.length) break;
    out.push({ offset: p + 1, width: 4 });
    message(stream, p, p + len, out);
    p += len;
  }
  return out;
}

const u16 = (b: Uint8Array, p: number) => (b[p] << 8) | b[p + 1];

function message(b: Uint8Array, start: number, end: number, out: LengthField[]): void {
  const type = b[start + 5];
  const body = start + COMMON_HEADER_LENGTH + PER_PEER_HEADER_LENGTH;
  switch (type) {
    case MessageType.Initiation:
    case MessageType.Termination:
      return tlvs(b, start + COMMON_HEADER_LENGTH, end, out);
    case MessageType.RouteMonitoring:
      return void bgpMessage(b, body, end, out);
    case MessageType.StatisticsReport:
      out.push({ offset: body, width: 4 });
      return tlvs(b, body + 4, end, out);
    case MessageType.PeerDown:
      if (b[body] === PeerDownReason.LocalNotification || b[body] === PeerDownReason.RemoteNotification) bgpMessage(b, body + 1, end, out);
      else if (b[body] === PeerDownReason.LocalSystemClosed) tlvs(b, body + 1, end, out);
      return;
    case MessageType.PeerUp: {
      let p = body + PEER_UP_FIXED_LENGTH;
      p = bgpMessage(b, p, end, out);
      p = bgpMessage(b, p, end, out);
      return tlvs(b, p, end, out);
    }
    case MessageType.RouteMirroring:
      return tlvs(b, body, end, out);
  }
}

/** Information and statistics TLVs: type (2), length (2), value. */
function tlvs(b: Uint8Array, p: number, end: number, out: LengthField[]): void {
  while (p + TLV_HEADER_LENGTH <= end) {
    out.push({ offset: p + 2, width: 2 });
    p += TLV_HEADER_LENGTH + u16(b, p + 2);
  }
}

/** One BGP message at p; returns where the next one starts. */
function bgpMessage(b: Uint8Array, p: number, end: number, out: LengthField[]): number {
  if (p + BGP_HEADER_LENGTH > end) return end;
  const len = u16(b, p + BGP_MARKER_LENGTH);
  out.push({ offset: p + BGP_MARKER_LENGTH, width: 2 });
  const stop = Math.min(end, p + len);
  const bodyAt = p + BGP_HEADER_LENGTH;
  if (b[p + 18] === 1) open(b, bodyAt, stop, out);
  else if (b[p + 18] === 2) update(b, bodyAt, stop, out);
  return p + Math.max(len, BGP_HEADER_LENGTH);
}

function open(b: Uint8Array, p: number, end: number, out: LengthField[]): void {
  if (p + OPEN_FIXED_LENGTH > end) return;
  out.push({ offset: p + 9, width: 1 });
  for (let q = p + OPEN_FIXED_LENGTH; q + 2 <= end; ) {
    out.push({ offset: q + 1, width: 1 });
    const paramEnd = q + 2 + b[q + 1];
    // Capabilities: code (1), length (1), value.
    for (let c = q + 2; c + 2 <= Math.min(paramEnd, end); c += 2 + b[c + 1]) out.push({ offset: c + 1, width: 1 });
    q = paramEnd;
  }
}

function update(b: Uint8Array, p: number, end: number, out: LengthField[]): void {
  if (p + 4 > end) return;
  out.push({ offset: p, width: 2 });
  const attrsAt = p + 2 + u16(b, p);
  if (attrsAt + 2 > end) return;
  out.push({ offset: attrsAt, width: 2 });
  const attrsEnd = Math.min(end, attrsAt + 2 + u16(b, attrsAt));
  for (let q = attrsAt + 2; q + 3 <= attrsEnd; ) {
    const extended = (b[q] & AttributeFlag.ExtendedLength) !== 0;
    const type = b[q + 1];
    out.push({ offset: q + 2, width: extended ? 2 : 1 });
    const valueAt = q + (extended ? 4 : 3);
    const valueEnd = valueAt + (extended ? u16(b, q + 2) : b[q + 2]);
    if (type === AttributeType.AsPath || type === AttributeType.As4Path) {
      // Segments: type (1), count (1), then the AS numbers, taken as 4 octets (the
      // captured sessions' width; a 2-octet path is walked astray, which only finds fewer counts).
      for (let s = valueAt; s + 2 <= valueEnd; s += 2 + b[s + 1] * 4) out.push({ offset: s + 1, width: 1 });
    } else if (type === AttributeType.MpReachNlri && valueAt + 4 <= valueEnd) {
      out.push({ offset: valueAt + 3, width: 1 });
    }
    q = valueEnd;
  }
}
