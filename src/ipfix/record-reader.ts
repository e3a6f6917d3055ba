// Data records back into values, from a decoded template compiled once into a
// table of operations. Every read is bounds-checked against the set's end.
import { VARIABLE_LENGTH, type AbstractType, type FieldValue } from "./abstract-types.js";
import { formatIpv4, formatIpv6, formatMac } from "./address-text.js";
import type { DecodedTemplate } from "./decoded-template.js";
import { ntpToMicros, ntpToNanos } from "./ntp-time.js";
import { LONG_LENGTH_MARKER } from "./wire.js";

const UINT = 0; // number: unsigned8/16/32
const UINT_BIG = 1; // bigint: unsigned64
const INT = 2; // number: signed8/16/32
const INT_BIG = 3; // bigint: signed64
const FLOAT = 4; // float32, float64 (either width)
const BOOL = 5;
const MAC = 6;
const IPV4 = 7;
const IPV6 = 8;
const DT_S = 9;
const DT_MS = 10;
const DT_US = 11;
const DT_NS = 12;
const STR = 13;
const OCTETS = 14;

const TWO32 = 4294967296;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function opFor(type: AbstractType): number {
  switch (type) {
    case "unsigned8":
    case "unsigned16":
    case "unsigned32":
      return UINT;
    case "unsigned64":
      return UINT_BIG;
    case "signed8":
    case "signed16":
    case "signed32":
      return INT;
    case "signed64":
      return INT_BIG;
    case "float32":
    case "float64":
      return FLOAT;
    case "boolean":
      return BOOL;
    case "macAddress":
      return MAC;
    case "ipv4Address":
      return IPV4;
    case "ipv6Address":
      return IPV6;
    case "dateTimeSeconds":
      return DT_S;
    case "dateTimeMilliseconds":
      return DT_MS;
    case "dateTimeMicroseconds":
      return DT_US;
    case "dateTimeNanoseconds":
      return DT_NS;
    case "string":
      return STR;
    default:
      return OCTETS;
  }
}

/** Big-endian unsigned integer of 1-4 octets. */
function readSmall(bytes: Uint8Array, p: number, w: number): number {
  let n = 0;
  for (let k = 0; k < w; k++) n = n * 256 + bytes[p + k];
  return n;
}

/** Big-endian unsigned integer of 1-8 octets. */
function readBig(bytes: Uint8Array, p: number, w: number): bigint {
  if (w <= 4) return BigInt(readSmall(bytes, p, w));
  return (BigInt(readSmall(bytes, p, w - 4)) << 32n) | BigInt(readSmall(bytes, p + w - 4, 4));
}

export class RecordReader {
  readonly template: DecodedTemplate;
  /** Values that were not valid for their type since the last `resetBad`, and the first one's offset. */
  badValues = 0;
  firstBadOffset = -1;
  /**
   * Whether reading a record can find a value invalid for its type (a
   * boolean or a string field): such records must be read, not skipped, for
   * the problem to be counted.
   */
  readonly checksValues: boolean;
  private readonly ops: Uint8Array;
  private readonly widths: Uint16Array;
  /** Octets of every record when no field is variable-length, else -1. */
  private readonly fixedLength: number;

  constructor(template: DecodedTemplate) {
    this.template = template;
    const n = template.fields.length;
    this.ops = new Uint8Array(n);
    this.widths = new Uint16Array(n);
    template.fields.forEach((f, i) => {
      this.ops[i] = opFor(f.type);
      this.widths[i] = f.length;
    });
    this.checksValues = this.ops.some((op) => op === BOOL || op === STR);
    this.fixedLength = template.fields.some((f) => f.length === VARIABLE_LENGTH) ? -1 : template.fields.reduce((n, f) => n + f.length, 0);
  }

  /** The offset after the record at `p` without reading its values, or -1 when it runs past `end`. */
  skip(view: DataView, bytes: Uint8Array, p: number, end: number): number {
    if (this.fixedLength >= 0) return p + this.fixedLength <= end ? p + this.fixedLength : -1;
    const widths = this.widths;
    for (let i = 0; i < widths.length; i++) {
      let w = widths[i]!;
      if (w === VARIABLE_LENGTH) {
        if (p >= end) return -1;
        w = bytes[p++]!;
        if (w === LONG_LENGTH_MARKER) {
          if (p + 2 > end) return -1;
          w = view.getUint16(p);
          p += 2;
        }
      }
      if (p + w > end) return -1;
      p += w;
    }
    return p;
  }

  resetBad(): void {
    this.badValues = 0;
    this.firstBadOffset = -1;
  }

  /**
   * Reads one record at `p`, never past `end`, into `out` (one value per field).
   * Returns the offset after it, or -1 when the record runs past `end`.
   */
  read(view: DataView, bytes: Uint8Array, p: number, end: number, out: FieldValue[]): number {
    const ops = this.ops;
    const widths = this.widths;
    const n = ops.length;
    for (let i = 0; i < n; i++) {
      let w = widths[i];
      if (w === VARIABLE_LENGTH) {
        if (p >= end) return -1;
        w = bytes[p++];
        if (w === LONG_LENGTH_MARKER) {
          if (p + 2 > end) return -1;
          w = view.getUint16(p);
          p += 2;
        }
      }
      if (p + w > end) return -1;
      let v: FieldValue;
      switch (ops[i]) {
        case UINT:
          v = readSmall(bytes, p, w);
          break;
        case UINT_BIG:
          v = readBig(bytes, p, w);
          break;
        case INT: {
          const u = readSmall(bytes, p, w);
          const half = 2 ** (8 * w - 1);
          v = u >= half ? u - 2 * half : u;
          break;
        }
        case INT_BIG: {
          const u = readBig(bytes, p, w);
          const bits = BigInt(8 * w);
          v = u >= 1n << (bits - 1n) ? u - (1n << bits) : u;
          break;
        }
        case FLOAT:
          v = w === 4 ? view.getFloat32(p) : view.getFloat64(p);
          break;
        case BOOL: {
          const b = bytes[p];
          v = b === 1 ? true : b === 2 ? false : this.bad(p);
          break;
        }
        case MAC:
          v = formatMac(bytes, p);
          break;
        case IPV4:
          v = formatIpv4(bytes, p);
          break;
        case IPV6:
          v = formatIpv6(bytes, p);
          break;
        case DT_S:
          v = view.getUint32(p);
          break;
        case DT_MS:
          v = view.getUint32(p) * TWO32 + view.getUint32(p + 4);
          break;
        case DT_US:
          v = ntpToMicros(view.getUint32(p), view.getUint32(p + 4));
          break;
        case DT_NS:
          v = ntpToNanos(view.getUint32(p), view.getUint32(p + 4));
          break;
        case STR: {
          // A fixed-length field pads a short string with NULs.
          let e = p + w;
          if (widths[i] !== VARIABLE_LENGTH) while (e > p && bytes[e - 1] === 0) e--;
          try {
            v = utf8.decode(bytes.subarray(p, e));
          } catch {
            v = this.bad(p);
          }
          break;
        }
        default:
          v = bytes.slice(p, p + w);
      }
      out[i] = v;
      p += w;
    }
    return p;
  }

  private bad(offset: number): null {
    if (this.badValues++ === 0) this.firstBadOffset = offset;
    return null;
  }
}
