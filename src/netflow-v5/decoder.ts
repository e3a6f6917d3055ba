// NetFlow v5 datagram decoder: a pure function over bytes. Bad input never
// throws; it comes back as errors beside whatever records were whole.
import type { NetflowV5Datagram, NetflowV5Header, NetflowV5Record } from "./datagram.js";
import type { NetflowV5Error } from "./decode-error.js";
import { H, HEADER_LENGTH, MAX_RECORDS, R, RECORD_LENGTH, VERSION } from "./wire.js";

export interface NetflowV5Decoded {
  /** Absent when the datagram is too short or not version 5. */
  datagram?: NetflowV5Datagram;
  errors: NetflowV5Error[];
}

function ipv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

export function decodeNetflowV5(bytes: Uint8Array): NetflowV5Decoded {
  const errors: NetflowV5Error[] = [];
  if (bytes.length < HEADER_LENGTH) {
    errors.push({ code: "short_datagram", offset: 0, message: `${bytes.length} octets, fewer than the 24 of a NetFlow v5 header` });
    return { errors };
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint16(H.version);
  if (version !== VERSION) {
    errors.push({ code: "bad_version", offset: H.version, message: `version ${version}, not 5` });
    return { errors };
  }
  const count = v.getUint16(H.count);
  const sampling = v.getUint16(H.samplingInterval);
  const header: NetflowV5Header = {
    version: VERSION,
    count,
    sysUptime: v.getUint32(H.sysUptime),
    unixSecs: v.getUint32(H.unixSecs),
    unixNsecs: v.getUint32(H.unixNsecs),
    flowSequence: v.getUint32(H.flowSequence),
    engineType: bytes[H.engineType]!,
    engineId: bytes[H.engineId]!,
    samplingMode: sampling >>> 14,
    samplingInterval: sampling & 0x3fff,
  };
  if (count === 0 || count > MAX_RECORDS) {
    errors.push({ code: "bad_count", offset: H.count, message: `the header announces ${count} records; NetFlow v5 carries 1 to ${MAX_RECORDS}` });
  }
  const present = Math.floor((bytes.length - HEADER_LENGTH) / RECORD_LENGTH);
  const n = Math.min(count, present);
  if (present < count) {
    const at = HEADER_LENGTH + present * RECORD_LENGTH;
    errors.push({ code: "truncated_record", offset: at, message: `the header announces ${count} records; the datagram ends in record ${present + 1} (${bytes.length - at} of 48 octets)` });
  } else if (bytes.length > HEADER_LENGTH + count * RECORD_LENGTH) {
    const at = HEADER_LENGTH + count * RECORD_LENGTH;
    errors.push({ code: "trailing_octets", offset: at, message: `${bytes.length - at} octets after the ${count} records the header announces` });
  }
  const records: NetflowV5Record[] = new Array<NetflowV5Record>(n);
  for (let i = 0; i < n; i++) {
    const o = HEADER_LENGTH + i * RECORD_LENGTH;
    records[i] = {
      srcAddr: ipv4(bytes, o + R.srcAddr),
      dstAddr: ipv4(bytes, o + R.dstAddr),
      nextHop: ipv4(bytes, o + R.nextHop),
      input: v.getUint16(o + R.input),
      output: v.getUint16(o + R.output),
      packets: v.getUint32(o + R.packets),
      octets: v.getUint32(o + R.octets),
      first: v.getUint32(o + R.first),
      last: v.getUint32(o + R.last),
      srcPort: v.getUint16(o + R.srcPort),
      dstPort: v.getUint16(o + R.dstPort),
      tcpFlags: bytes[o + R.tcpFlags]!,
      protocol: bytes[o + R.protocol]!,
      tos: bytes[o + R.tos]!,
      srcAs: v.getUint16(o + R.srcAs),
      dstAs: v.getUint16(o + R.dstAs),
      srcMask: bytes[o + R.srcMask]!,
      dstMask: bytes[o + R.dstMask]!,
    };
  }
  return { datagram: { header, records }, errors };
}
