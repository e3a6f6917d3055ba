// Capture file decoder (pcap and pcapng), pure: it is handed the file's
// bytes in pieces, returns the packets of every whole record or block in
// them as views (no copy), and says how many octets it used, so the caller
// keeps the rest for the next piece. Bad input never throws: a damaged
// header or block is an error that ends the decoding, with everything
// before it kept.
import type { CapturePacket } from "./capture-packet.js";
import type { CaptureError, CaptureErrorCode } from "./decode-error.js";
import {
  IF_TSOFFSET, IF_TSRESOL, MAX_PACKET_LENGTH, PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, PCAP_RECORD_HEADER_LENGTH,
  PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_ENHANCED_PACKET, PCAPNG_INTERFACE_DESCRIPTION, PCAPNG_OBSOLETE_PACKET, PCAPNG_SECTION_HEADER, PCAPNG_SIMPLE_PACKET,
} from "./wire.js";

export type CaptureFormat = "pcap" | "pcapng";

interface CaptureInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second (if_tsresol; pcapng's default is microseconds). */
  unitsPerSecond: number;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

export class CaptureDecoder {
  format: CaptureFormat | undefined;
  /** Set once the file is damaged: nothing more is decoded. */
  failure: CaptureError | undefined;
  private little = true;
  private pcapNanos = false;
  private pcapLinkType = 0;
  private interfaces: CaptureInterface[] = [];
  /** File offset of the next octet to decode. */
  private at = 0;

  /**
   * Decodes what `bytes` (the file from the first octet not yet used) holds
   * whole, appending packets to `out`. Returns the octets used; the caller
   * passes the rest again, with more of the file after it.
   */
  decode(bytes: Uint8Array, out: CapturePacket[]): number {
    if (this.failure) return 0;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    if (this.format === undefined) {
      if (bytes.length < 4) return 0;
      const magic = v.getUint32(0, false);
      if (magic === PCAPNG_SECTION_HEADER) this.format = "pcapng";
      else if (magic === PCAP_MAGIC_MICROS || magic === PCAP_MAGIC_NANOS || swap32(magic) === PCAP_MAGIC_MICROS || swap32(magic) === PCAP_MAGIC_NANOS) this.format = "pcap";
      else return this.fail("bad_magic", 0, `magic 0x${magic.toString(16).padStart(8, "0")} is neither pcap's nor pcapng's`);
      if (this.format === "pcap") {
        if (bytes.length < PCAP_FILE_HEADER_LENGTH) {
          this.format = undefined;
          return 0;
        }
        this.little = v.getUint32(0, true) === PCAP_MAGIC_MICROS || v.getUint32(0, true) === PCAP_MAGIC_NANOS;
        this.pcapNanos = v.getUint32(0, this.little) === PCAP_MAGIC_NANOS;
        // The link type's top bits carry FCS information (pcap's LinkType and additional information field).
        this.pcapLinkType = v.getUint32(20, this.little) & 0x0fffffff;
        pos = PCAP_FILE_HEADER_LENGTH;
      }
    }
    const used = this.format === "pcap" ? this.pcapRecords(bytes, v, pos, out) : this.pcapngBlocks(bytes, v, pos, out);
    this.at += used;
    return used;
  }

  /**
   * The end of the file: octets left over that make no whole record or
   * block are a truncated file (a capture cut short), reported here.
   */
  end(leftover: number): CaptureError | undefined {
    if (this.failure) return this.failure;
    if (this.format === undefined && leftover > 0) return this.failOnly("short_header", 0, `${leftover} octets: the file ends inside its header`);
    if (leftover > 0) return this.failOnly("short_header", this.at, `the file ends ${leftover} octets into a ${this.format ?? "capture"} ${this.format === "pcapng" ? "block" : "record"}`);
    if (this.format === undefined) return this.failOnly("short_header", 0, "an empty file");
    return undefined;
  }

  private pcapRecords(bytes: Uint8Array, v: DataView, pos: number, out: CapturePacket[]): number {
    const le = this.little;
    while (pos + PCAP_RECORD_HEADER_LENGTH <= bytes.length) {
      const captured = v.getUint32(pos + 8, le);
      if (captured > MAX_PACKET_LENGTH) return this.failAt(pos, "bad_packet_length", `a record of ${captured} captured octets`);
      const end = pos + PCAP_RECORD_HEADER_LENGTH + captured;
      if (end > bytes.length) break;
      // A fraction of a second or more (some writers emit it) carries into the seconds.
      const frac = v.getUint32(pos + 4, le);
      const perSecond = this.pcapNanos ? 1e9 : 1e6;
      const carry = Math.floor(frac / perSecond);
      out.push({
        linkType: this.pcapLinkType,
        tsSec: v.getUint32(pos, le) + carry,
        tsNsec: (frac - carry * perSecond) * (this.pcapNanos ? 1 : 1000),
        originalLength: v.getUint32(pos + 12, le),
        data: bytes.subarray(pos + PCAP_RECORD_HEADER_LENGTH, end),
      });
      pos = end;
    }
    return pos;
  }

  private pcapngBlocks(bytes: Uint8Array, v: DataView, pos: number, out: CapturePacket[]): number {
    while (pos + 12 <= bytes.length) {
      const type = v.getUint32(pos, this.little);
      if (type === PCAPNG_SECTION_HEADER || swap32(type) === PCAPNG_SECTION_HEADER) {
        // A new section sets its own byte order.
        const magic = v.getUint32(pos + 8, true);
        if (magic === PCAPNG_BYTE_ORDER_MAGIC) this.little = true;
        else if (swap32(magic) === PCAPNG_BYTE_ORDER_MAGIC) this.little = false;
        else return this.failAt(pos, "bad_magic", `a Section Header Block with byte-order magic 0x${magic.toString(16)}`);
      }
      const length = v.getUint32(pos + 4, this.little);
      if (length < 12 || length % 4 !== 0 || length > MAX_PACKET_LENGTH + 64) return this.failAt(pos, "bad_block_length", `a block of type ${type} with total length ${length}`);
      if (pos + length > bytes.length) break;
      if (v.getUint32(pos + length - 4, this.little) !== length) {
        return this.failAt(pos, "bad_block_length", `a block of type ${type} whose trailing length ${v.getUint32(pos + length - 4, this.little)} differs from ${length}`);
      }
      const problem = this.block(bytes, v, pos, length, out);
      if (problem) return this.failAt(pos, problem[0], problem[1]);
      pos += length;
    }
    return pos;
  }

  /** One whole block; a problem stops the file. */
  private block(bytes: Uint8Array, v: DataView, pos: number, length: number, out: CapturePacket[]): [CaptureErrorCode, string] | undefined {
    const le = this.little;
    const type = v.getUint32(pos, le);
    const body = length - 12;
    switch (type) {
      case PCAPNG_SECTION_HEADER: {
        if (body < 16) return ["short_header", `a Section Header Block of ${length} octets`];
        const major = v.getUint16(pos + 12, le);
        if (major !== 1) return ["bad_version", `a pcapng section of version ${major}.${v.getUint16(pos + 14, le)}`];
        this.interfaces = [];
        return undefined;
      }
      case PCAPNG_INTERFACE_DESCRIPTION: {
        if (body < 8) return ["short_header", `an Interface Description Block of ${length} octets`];
        const iface: CaptureInterface = { linkType: v.getUint16(pos + 8, le), snapLength: v.getUint32(pos + 12, le), unitsPerSecond: 1e6, offsetSeconds: 0 };
        // Options: code, length, value padded to 4; code 0 ends them.
        for (let o = pos + 16; o + 4 <= pos + length - 4; ) {
          const code = v.getUint16(o, le);
          const len = v.getUint16(o + 2, le);
          if (code === 0 || o + 4 + len > pos + length - 4) break;
          if (code === IF_TSRESOL && len >= 1) {
            const r = bytes[o + 4]!;
            iface.unitsPerSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
          } else if (code === IF_TSOFFSET && len >= 8) {
            iface.offsetSeconds = Number(v.getBigInt64(o + 4, le));
          }
          o += 4 + ((len + 3) & ~3);
        }
        this.interfaces.push(iface);
        return undefined;
      }
      case PCAPNG_ENHANCED_PACKET:
      case PCAPNG_OBSOLETE_PACKET: {
        if (body < 20) return ["short_header", `a packet block of ${length} octets`];
        const iface = type === PCAPNG_ENHANCED_PACKET ? v.getUint32(pos + 8, le) : v.getUint16(pos + 8, le);
        const captured = v.getUint32(pos + 20, le);
        if (captured > body - 20) return ["bad_packet_length", `${captured} captured octets in a block with room for ${body - 20}`];
        const i = this.interfaces[iface];
        if (!i) return ["unknown_interface", `a packet of interface ${iface}; ${this.interfaces.length} declared`];
        const ts = timestamp(v.getUint32(pos + 12, le), v.getUint32(pos + 16, le), i.unitsPerSecond);
        out.push({ linkType: i.linkType, tsSec: ts.sec + i.offsetSeconds, tsNsec: ts.nsec, originalLength: v.getUint32(pos + 24, le), data: bytes.subarray(pos + 28, pos + 28 + captured) });
        return undefined;
      }
      case PCAPNG_SIMPLE_PACKET: {
        if (body < 4) return ["short_header", `a Simple Packet Block of ${length} octets`];
        const i = this.interfaces[0];
        if (!i) return ["unknown_interface", "a Simple Packet Block before any Interface Description Block"];
        const original = v.getUint32(pos + 8, le);
        let captured = Math.min(original, body - 4);
        if (i.snapLength > 0) captured = Math.min(captured, i.snapLength);
        // No timestamp in this block.
        out.push({ linkType: i.linkType, tsSec: 0, tsNsec: 0, originalLength: original, data: bytes.subarray(pos + 12, pos + 12 + captured) });
        return undefined;
      }
      default:
        return undefined; // name resolution, statistics, custom blocks...: nothing a collector reads
    }
  }

  private failAt(pos: number, code: CaptureErrorCode, message: string): number {
    this.fail(code, this.at + pos, message);
    return pos;
  }

  private fail(code: CaptureErrorCode, offset: number, message: string): number {
    this.failure = { code, offset, message };
    return 0;
  }

  private failOnly(code: CaptureErrorCode, offset: number, message: string): CaptureError {
    this.failure = { code, offset, message };
    return this.failure;
  }
}

/** A 64-bit count of units (high and low words) as whole seconds and nanoseconds, exactly. */
function timestamp(high: number, low: number, unitsPerSecond: number): { sec: number; nsec: number } {
  if (high < 0x200000 && Number.isInteger(1e9 / unitsPerSecond)) {
    // Below 2^53 and a decimal resolution up to ns: plain numbers are exact.
    const units = high * 4294967296 + low;
    const sec = Math.floor(units / unitsPerSecond);
    return { sec, nsec: (units - sec * unitsPerSecond) * (1e9 / unitsPerSecond) };
  }
  const units = (BigInt(high) << 32n) | BigInt(low);
  const per = BigInt(unitsPerSecond);
  const sec = units / per;
  return { sec: Number(sec), nsec: Number(((units - sec * per) * 1_000_000_000n) / per) };
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** A whole file in one buffer: its packets, and the error that ended it early, if any. */
export function decodeCapture(bytes: Uint8Array): { format?: CaptureFormat; packets: CapturePacket[]; error?: CaptureError } {
  const d = new CaptureDecoder();
  const packets: CapturePacket[] = [];
  const used = d.decode(bytes, packets);
  const error = d.end(bytes.length - used);
  return { format: d.format, packets, ...(error ? { error } : {}) };
}
