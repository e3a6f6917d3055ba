// Classic pcap writer, the decoder's mirror: for the generator and tests.
import type { CapturePacket } from "./capture-packet.js";
import { PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, PCAP_RECORD_HEADER_LENGTH } from "./wire.js";

export interface PcapOptions {
  linkType: number;
  /** Nanosecond timestamps (magic a1b23c4d); otherwise microseconds, truncated. */
  nanos?: boolean;
  /** Default true: the byte order of most writers on x86. */
  littleEndian?: boolean;
  snapLength?: number;
}

export function encodePcap(packets: readonly Omit<CapturePacket, "linkType">[], o: PcapOptions): Uint8Array {
  const size = PCAP_FILE_HEADER_LENGTH + packets.reduce((n, p) => n + PCAP_RECORD_HEADER_LENGTH + p.data.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  const le = o.littleEndian ?? true;
  v.setUint32(0, o.nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, o.snapLength ?? 262_144, le);
  v.setUint32(20, o.linkType, le);
  let at = PCAP_FILE_HEADER_LENGTH;
  for (const p of packets) {
    v.setUint32(at, p.tsSec, le);
    v.setUint32(at + 4, o.nanos ? p.tsNsec : Math.floor(p.tsNsec / 1000), le);
    v.setUint32(at + 8, p.data.length, le);
    v.setUint32(at + 12, p.originalLength, le);
    out.set(p.data, at + PCAP_RECORD_HEADER_LENGTH);
    at += PCAP_RECORD_HEADER_LENGTH + p.data.length;
  }
  return out;
}
