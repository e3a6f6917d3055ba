// struct rfm_flow_event as an object: for tests, benchmarks and debugging.
// The flow table reads events as words in place and never uses this.
import { EV, EVENT_SIZE } from "./layout.js";

export interface FlowEvent {
  tstampNs: bigint;
  ifindex: number;
  dir: number;
  proto: number;
  segs: number;
  src: Uint8Array;
  dst: Uint8Array;
  sport: number;
  dport: number;
  len: number;
  l2Len: number;
  family: number;
  flags: number;
  sampleRate: number;
}

export function encodeEvent(e: FlowEvent, out: Uint8Array = new Uint8Array(EVENT_SIZE), at = 0): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset + at, EVENT_SIZE);
  v.setBigUint64(EV.tstamp, e.tstampNs, true);
  v.setUint32(EV.ifindex, e.ifindex, true);
  v.setUint8(EV.dir, e.dir);
  v.setUint8(EV.proto, e.proto);
  v.setUint16(EV.segs, e.segs, true);
  out.set(e.src, at + EV.src);
  out.set(e.dst, at + EV.dst);
  v.setUint16(EV.sport, e.sport, true);
  v.setUint16(EV.dport, e.dport, true);
  v.setUint32(EV.len, e.len, true);
  v.setUint8(EV.l2Len, e.l2Len);
  v.setUint8(EV.family, e.family);
  v.setUint16(EV.flags, e.flags, true);
  v.setUint32(EV.sampleRate, e.sampleRate, true);
  return out;
}

/** decodeEvent was asked for an event where fewer than EVENT_SIZE bytes are left. */
export class ShortEventError extends RangeError {
  override name = "ShortEventError";
  readonly code = "short_event";

  constructor(
    readonly offset: number,
    readonly available: number,
  ) {
    super(`flow event at offset ${offset} needs ${EVENT_SIZE} bytes, ${available} left`);
  }
}

/** The event at byte `at` of `buf`; a ShortEventError when the buffer ends before it does. */
export function decodeEvent(buf: Uint8Array, at = 0): FlowEvent {
  if (!(at >= 0 && at + EVENT_SIZE <= buf.length)) throw new ShortEventError(at, Math.max(0, buf.length - at));
  const v = new DataView(buf.buffer, buf.byteOffset + at, EVENT_SIZE);
  return {
    tstampNs: v.getBigUint64(EV.tstamp, true),
    ifindex: v.getUint32(EV.ifindex, true),
    dir: v.getUint8(EV.dir),
    proto: v.getUint8(EV.proto),
    segs: v.getUint16(EV.segs, true),
    src: buf.slice(at + EV.src, at + EV.src + 16),
    dst: buf.slice(at + EV.dst, at + EV.dst + 16),
    sport: v.getUint16(EV.sport, true),
    dport: v.getUint16(EV.dport, true),
    len: v.getUint32(EV.len, true),
    l2Len: v.getUint8(EV.l2Len),
    family: v.getUint8(EV.family),
    flags: v.getUint16(EV.flags, true),
    sampleRate: v.getUint32(EV.sampleRate, true),
  };
}
