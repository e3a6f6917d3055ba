// NetFlow v5 datagram encoder, the decoder's mirror: for the generator and
// for tests. Values come from our own code, so a value that does not fit its
// field is a RangeError, not a datagram quietly wrong.
import { isIPv4 } from "node:net";
import type { NetflowV5Header, NetflowV5Record } from "./datagram.js";
import { H, HEADER_LENGTH, MAX_RECORDS, R, RECORD_LENGTH, VERSION } from "./wire.js";

/** The header as the encoder takes it: version and count follow from the records. */
export type NetflowV5HeaderInput = Omit<NetflowV5Header, "version" | "count">;

function uint(name: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`NetFlow v5 ${name} ${value} does not fit ${bits} bits`);
  return value;
}

function putIpv4(out: Uint8Array, at: number, name: string, text: string): void {
  if (!isIPv4(text)) throw new RangeError(`NetFlow v5 ${name} ${JSON.stringify(text)} is not an IPv4 address`);
  const parts = text.split(".");
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i]);
}

export function encodeNetflowV5(header: NetflowV5HeaderInput, records: readonly NetflowV5Record[]): Uint8Array {
  if (records.length > MAX_RECORDS) throw new RangeError(`NetFlow v5 carries at most ${MAX_RECORDS} records per datagram, not ${records.length}`);
  const out = new Uint8Array(HEADER_LENGTH + records.length * RECORD_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint16(H.version, VERSION);
  v.setUint16(H.count, records.length);
  v.setUint32(H.sysUptime, uint("sysUptime", header.sysUptime, 32));
  v.setUint32(H.unixSecs, uint("unixSecs", header.unixSecs, 32));
  v.setUint32(H.unixNsecs, uint("unixNsecs", header.unixNsecs, 32));
  v.setUint32(H.flowSequence, uint("flowSequence", header.flowSequence, 32));
  out[H.engineType] = uint("engineType", header.engineType, 8);
  out[H.engineId] = uint("engineId", header.engineId, 8);
  v.setUint16(H.samplingInterval, (uint("samplingMode", header.samplingMode, 2) << 14) | uint("samplingInterval", header.samplingInterval, 14));
  records.forEach((r, i) => {
    const o = HEADER_LENGTH + i * RECORD_LENGTH;
    putIpv4(out, o + R.srcAddr, "srcAddr", r.srcAddr);
    putIpv4(out, o + R.dstAddr, "dstAddr", r.dstAddr);
    putIpv4(out, o + R.nextHop, "nextHop", r.nextHop);
    v.setUint16(o + R.input, uint("input", r.input, 16));
    v.setUint16(o + R.output, uint("output", r.output, 16));
    v.setUint32(o + R.packets, uint("packets", r.packets, 32));
    v.setUint32(o + R.octets, uint("octets", r.octets, 32));
    v.setUint32(o + R.first, uint("first", r.first, 32));
    v.setUint32(o + R.last, uint("last", r.last, 32));
    v.setUint16(o + R.srcPort, uint("srcPort", r.srcPort, 16));
    v.setUint16(o + R.dstPort, uint("dstPort", r.dstPort, 16));
    out[o + R.tcpFlags] = uint("tcpFlags", r.tcpFlags, 8);
    out[o + R.protocol] = uint("protocol", r.protocol, 8);
    out[o + R.tos] = uint("tos", r.tos, 8);
    v.setUint16(o + R.srcAs, uint("srcAs", r.srcAs, 16));
    v.setUint16(o + R.dstAs, uint("dstAs", r.dstAs, 16));
    out[o + R.srcMask] = uint("srcMask", r.srcMask, 8);
    out[o + R.dstMask] = uint("dstMask", r.dstMask, 8);
  });
  return out;
}
