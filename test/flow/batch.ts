// Builds ring-style event batches for flow table tests and benchmarks.
import { encodeEvent, type FlowEvent } from "../../src/bpf/event.js";
import { EVENT_SIZE } from "../../src/bpf/layout.js";
import { parseAddress } from "../../src/net/address.js";

export function ev(over: Partial<FlowEvent> & { srcText?: string; dstText?: string; ms?: number } = {}): FlowEvent {
  const { srcText, dstText, ms, ...rest } = over;
  return {
    tstampNs: BigInt(Math.round((ms ?? 1000) * 1e6)),
    ifindex: 2,
    dir: 0,
    proto: 17,
    segs: 1,
    src: parseAddress(srcText ?? "10.0.0.1"),
    dst: parseAddress(dstText ?? "10.0.0.2"),
    sport: 40000,
    dport: 53,
    len: 114,
    l2Len: 14,
    family: (srcText ?? "").includes(":") ? 6 : 4,
    flags: 0,
    sampleRate: 1,
    ...rest,
  };
}

export function batch(events: FlowEvent[]): Uint8Array {
  const out = new Uint8Array(events.length * EVENT_SIZE);
  events.forEach((e, i) => encodeEvent(e, out, i * EVENT_SIZE));
  return out;
}
