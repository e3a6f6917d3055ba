// Data records from a template compiled once into a table of operations, so
// writing a record is one loop over small integers: no allocation per record
// (strings aside), no lookups, and for fixed-length templates a single bounds
// check per record.
import { VARIABLE_LENGTH, type AbstractType, type FieldInput } from "./abstract-types.js";
import { parseIpv4, parseIpv6, parseMac } from "./address-text.js";
import { isV4Mapped } from "../net/address.js";
import { microsToNtp, nanosToNtp } from "./ntp-time.js";
import { checkTemplate, fieldName, fieldType, type Template } from "./template.js";
import { LONG_LENGTH_MARKER } from "./wire.js";

// Operations. The common widths of unsigned integers have their own.
const U8 = 0;
const U16 = 1;
const U32 = 2;
const U64 = 3;
const UINT = 4; // any other width
const INT = 5;
const F32 = 6;
const F64 = 7;
const BOOL = 8;
const MAC = 9;
const IPV4 = 10;
const IPV6 = 11;
const DT_S = 12;
const DT_MS = 13;
const DT_US = 14;
const DT_NS = 15;
const STR = 16;
const OCTETS = 17;

const TWO32 = 4294967296;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const encoder = new TextEncoder();

function opFor(type: AbstractType, length: number): number {
  switch (type) {
    case "unsigned8":
    case "unsigned16":
    case "unsigned32":
    case "unsigned64":
      return length === 1 ? U8 : length === 2 ? U16 : length === 4 ? U32 : length === 8 ? U64 : UINT;
    case "signed8":
    case "signed16":
    case "signed32":
    case "signed64":
      return INT;
    case "float32":
      return F32;
    case "float64":
      return length === 4 ? F32 : F64;
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

/**
 * Writes the data records of one template. Values come as an array in template
 * field order (reuse one array per template for an allocation-free path); see
 * `FieldInput` for what each type takes. A value that does not fit its field
 * throws a RangeError or TypeError naming the field: a caller's bug, so the
 * record is not committed (the builder's offsets have not moved).
 */
export class RecordWriter {
  readonly template: Template;
  /** Bytes of every record, or -1 when a field is variable-length. */
  readonly fixedLength: number;
  /** Bytes of the smallest record (variable-length fields empty). */
  readonly minLength: number;
  private readonly ops: Uint8Array;
  private readonly widths: Uint16Array;
  private readonly signed: Uint8Array;
  /** Range of each integer field for number values. */
  private readonly minN: Float64Array;
  private readonly maxN: Float64Array;

  constructor(template: Template) {
    checkTemplate(template);
    this.template = template;
    const n = template.fields.length;
    this.ops = new Uint8Array(n);
    this.widths = new Uint16Array(n);
    this.signed = new Uint8Array(n);
    this.minN = new Float64Array(n);
    this.maxN = new Float64Array(n);
    let min = 0;
    let variable = false;
    template.fields.forEach((f, i) => {
      const type = fieldType(f);
      this.ops[i] = opFor(type, f.length);
      this.widths[i] = f.length;
      const signed = type.startsWith("signed");
      this.signed[i] = signed ? 1 : 0;
      const bits = 8 * Math.min(f.length, 8);
      this.minN[i] = signed ? -(2 ** (bits - 1)) : 0;
      this.maxN[i] = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
      if (f.length === VARIABLE_LENGTH) {
        variable = true;
        min += 1;
      } else min += f.length;
    });
    this.minLength = min;
    this.fixedLength = variable ? -1 : min;
  }

  /**
   * Writes one record at `offset`, never past `limit`. Returns the offset after
   * the record, or -1 when it does not fit (bytes up to `limit` may have been
   * written).
   */
  write(view: DataView, bytes: Uint8Array, offset: number, limit: number, values: ArrayLike<FieldInput>): number {
    if (offset + this.minLength > limit) return -1;
    const ops = this.ops;
    const widths = this.widths;
    const n = ops.length;
    let p = offset;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      switch (ops[i]) {
        case U8:
          if (typeof v === "number" && (v & 0xff) === v) bytes[p] = v;
          else this.putInt(bytes, p, i, v);
          p += 1;
          break;
        case U16:
          if (typeof v === "number" && (v & 0xffff) === v) view.setUint16(p, v);
          else this.putInt(bytes, p, i, v);
          p += 2;
          break;
        case U32:
          if (typeof v === "number" && v >>> 0 === v) view.setUint32(p, v);
          else this.putInt(bytes, p, i, v);
          p += 4;
          break;
        case U64:
          if (typeof v === "number" && v >= 0 && v <= MAX_SAFE && Math.floor(v) === v) {
            view.setUint32(p, Math.floor(v / TWO32));
            view.setUint32(p + 4, v >>> 0);
          } else this.putInt(bytes, p, i, v);
          p += 8;
          break;
        case UINT:
        case INT:
          this.putInt(bytes, p, i, v);
          p += widths[i];
          break;
        case F32:
          view.setFloat32(p, this.float(i, v));
          p += 4;
          break;
        case F64:
          view.setFloat64(p, this.float(i, v));
          p += 8;
          break;
        case BOOL:
          if (typeof v !== "boolean") throw this.bad(i, v, "a boolean");
          bytes[p] = v ? 1 : 2;
          p += 1;
          break;
        case MAC:
          bytes.set(this.octetsOf(i, v, 6, parseMac, "a MAC address"), p);
          p += 6;
          break;
        case IPV4:
          view.setUint32(p, this.ipv4(i, v));
          p += 4;
          break;
        case IPV6:
          bytes.set(this.octetsOf(i, v, 16, parseIpv6, "an IPv6 address"), p);
          p += 16;
          break;
        case DT_S:
          view.setUint32(p, this.wholeNumber(i, v, 0xffffffff));
          p += 4;
          break;
        case DT_MS: {
          if (typeof v === "bigint") this.putInt(bytes, p, i, v);
          else {
            const ms = this.wholeNumber(i, v, MAX_SAFE);
            view.setUint32(p, Math.floor(ms / TWO32));
            view.setUint32(p + 4, ms >>> 0);
          }
          p += 8;
          break;
        }
        case DT_US: {
          const us = typeof v === "bigint" ? Number(v) : v;
          if (typeof us !== "number" || !Number.isFinite(us)) throw this.bad(i, v, "microseconds since 1970");
          const [s, f] = this.guard(i, () => microsToNtp(us));
          view.setUint32(p, s);
          view.setUint32(p + 4, f);
          p += 8;
          break;
        }
        case DT_NS: {
          if (!(typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v)))) throw this.bad(i, v, "nanoseconds since 1970");
          const [s, f] = this.guard(i, () => nanosToNtp(BigInt(v)));
          view.setUint32(p, s);
          view.setUint32(p + 4, f);
          p += 8;
          break;
        }
        case STR:
        case OCTETS: {
          p = this.putOctets(bytes, p, limit, i, v);
          if (p < 0) return -1;
          break;
        }
      }
    }
    return p;
  }

  /** Strings and octet arrays, fixed-length or length-prefixed. */
  private putOctets(bytes: Uint8Array, p: number, limit: number, i: number, v: FieldInput | undefined): number {
    const isString = this.ops[i] === STR;
    let data: Uint8Array;
    if (isString) {
      if (typeof v !== "string") throw this.bad(i, v, "a string");
      data = encoder.encode(v);
    } else {
      if (!(v instanceof Uint8Array)) throw this.bad(i, v, "a Uint8Array");
      data = v;
    }
    const width = this.widths[i];
    if (width !== VARIABLE_LENGTH) {
      // A shorter string is NUL-padded; octets must match the length exactly.
      if (data.length > width || (!isString && data.length !== width)) {
        throw new RangeError(`${this.name(i)}: ${data.length} octets in a ${width}-octet field`);
      }
      bytes.set(data, p);
      bytes.fill(0, p + data.length, p + width);
      return p + width;
    }
    if (data.length > 65535) throw new RangeError(`${this.name(i)}: ${data.length} octets exceed a variable-length field's 65535`);
    const prefix = data.length < LONG_LENGTH_MARKER ? 1 : 3;
    // The minimum length counted one byte for this field already.
    if (p + prefix + data.length > limit) return -1;
    if (prefix === 1) bytes[p] = data.length;
    else {
      bytes[p] = LONG_LENGTH_MARKER;
      bytes[p + 1] = data.length >>> 8;
      bytes[p + 2] = data.length & 0xff;
    }
    bytes.set(data, p + prefix);
    return p + prefix + data.length;
  }

  /** Any integer width, signed or not, from a safe integer or a bigint, range-checked. */
  private putInt(bytes: Uint8Array, p: number, i: number, v: FieldInput | undefined): void {
    const op = this.ops[i];
    const w = op === U64 || op === DT_MS ? 8 : this.widths[i];
    if (typeof v === "number" && Number.isSafeInteger(v)) {
      if (v < this.minN[i] || v > this.maxN[i]) throw this.outOfRange(i, v, w);
      // Two 32-bit halves; ">>> 0" and ">>" give two's complement bytes for negatives.
      const hi = Math.floor(v / TWO32);
      const lo = v >>> 0;
      for (let k = 0; k < w; k++) bytes[p + w - 1 - k] = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >> (8 * (k - 4))) & 0xff;
      return;
    }
    if (typeof v !== "bigint") throw this.bad(i, v, this.signed[i] ? "an integer" : "a non-negative integer");
    const bits = BigInt(w * 8);
    const signed = this.signed[i] === 1;
    const min = signed ? -(1n << (bits - 1n)) : 0n;
    const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    if (v < min || v > max) throw this.outOfRange(i, v, w);
    let u = v < 0n ? v + (1n << bits) : v;
    for (let k = w - 1; k >= 0; k--) {
      bytes[p + k] = Number(u & 0xffn);
      u >>= 8n;
    }
  }

  private outOfRange(i: number, v: number | bigint, w: number): RangeError {
    return new RangeError(`${this.name(i)}: ${v} does not fit in ${w} octet${w > 1 ? "s" : ""}${this.signed[i] ? " (signed)" : ""}`);
  }

  private float(i: number, v: FieldInput | undefined): number {
    if (typeof v !== "number") throw this.bad(i, v, "a number");
    return v;
  }

  private ipv4(i: number, v: FieldInput | undefined): number {
    if (typeof v === "number" && v >>> 0 === v) return v;
    if (typeof v === "string") {
      const n = parseIpv4(v);
      if (n !== undefined) return n;
    } else if (v instanceof Uint8Array) {
      // The datapath's 16-byte form maps IPv4 into ::ffff:0:0/96.
      const at = v.length === 4 ? 0 : v.length === 16 && isV4Mapped(v) ? 12 : -1;
      if (at >= 0) return ((v[at] << 24) | (v[at + 1] << 16) | (v[at + 2] << 8) | v[at + 3]) >>> 0;
    }
    throw this.bad(i, v, "an IPv4 address (text, 32-bit number, 4 bytes or 16 mapped bytes)");
  }

  private octetsOf(i: number, v: FieldInput | undefined, size: number, parse: (t: string) => Uint8Array | undefined, what: string): Uint8Array {
    if (v instanceof Uint8Array && v.length === size) return v;
    const parsed = typeof v === "string" ? parse(v) : undefined;
    if (parsed) return parsed;
    throw this.bad(i, v, `${what} (text or ${size} bytes)`);
  }

  /** dateTime seconds and milliseconds: floored to the field's resolution. */
  private wholeNumber(i: number, v: FieldInput | undefined, max: number): number {
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n === "number" && n >= 0 && n <= max) return Math.floor(n);
    throw this.bad(i, v, `a time from 0 to ${max}`);
  }

  private guard<T>(i: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new RangeError(`${this.name(i)}: ${(e as Error).message}`);
    }
  }

  private name(i: number): string {
    return `template ${this.template.id} field ${i} (${fieldName(this.template.fields[i])})`;
  }

  private bad(i: number, v: unknown, expected: string): TypeError {
    const shown = typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? `${v.length} bytes` : JSON.stringify(v);
    return new TypeError(`${this.name(i)}: expected ${expected}, got ${shown}`);
  }
}
