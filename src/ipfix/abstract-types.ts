// The abstract data types of RFC 7012 section 3.1 (plus the structured types of
// RFC 6313, which this codec carries as raw octets), the field lengths each may
// take on the wire (RFC 7011 section 6.2 reduced-size encoding), and the JS
// value that stands for each.

/** Field length that announces a variable-length field (RFC 7011 section 7). */
export const VARIABLE_LENGTH = 65535;

export type AbstractType =
  | "octetArray"
  | "unsigned8"
  | "unsigned16"
  | "unsigned32"
  | "unsigned64"
  | "signed8"
  | "signed16"
  | "signed32"
  | "signed64"
  | "float32"
  | "float64"
  | "boolean"
  | "macAddress"
  | "string"
  | "dateTimeSeconds"
  | "dateTimeMilliseconds"
  | "dateTimeMicroseconds"
  | "dateTimeNanoseconds"
  | "ipv4Address"
  | "ipv6Address"
  | "basicList"
  | "subTemplateList"
  | "subTemplateMultiList";

export const ABSTRACT_TYPES: readonly AbstractType[] = [
  "octetArray",
  "unsigned8",
  "unsigned16",
  "unsigned32",
  "unsigned64",
  "signed8",
  "signed16",
  "signed32",
  "signed64",
  "float32",
  "float64",
  "boolean",
  "macAddress",
  "string",
  "dateTimeSeconds",
  "dateTimeMilliseconds",
  "dateTimeMicroseconds",
  "dateTimeNanoseconds",
  "ipv4Address",
  "ipv6Address",
  "basicList",
  "subTemplateList",
  "subTemplateMultiList",
];

/**
 * The value of one field, by abstract type (decoder output; the encoder
 * accepts more, see `FieldInput`):
 *
 * - unsigned8/16/32, signed8/16/32, float32/64: `number`
 * - unsigned64, signed64: `bigint` (always, whatever the reduced size on the wire)
 * - boolean: `boolean`; `null` when the octet is neither 1 (true) nor 2 (false)
 * - macAddress: `"00:1b:21:aa:bb:cc"` (lower case)
 * - ipv4Address: `"192.0.2.1"`; ipv6Address: RFC 5952 text (`"2001:db8::1"`)
 * - string: `string` (UTF-8; a fixed-length field loses its trailing NULs)
 * - octetArray, basicList, subTemplateList, subTemplateMultiList, and any
 *   element the decoder has no type for: `Uint8Array` (a copy)
 * - dateTimeSeconds: seconds since 1970 (`number`)
 * - dateTimeMilliseconds: milliseconds since 1970 (`number`; exact below 2^53)
 * - dateTimeMicroseconds: microseconds since 1970 (`number`)
 * - dateTimeNanoseconds: nanoseconds since 1970 (`bigint`)
 *
 * The two NTP-format types (micro/nanoseconds) cover 1968-01-20 to 2104-02-26:
 * see ntp-time.ts for how the 2036 wrap is read.
 */
export type FieldValue = number | bigint | boolean | string | Uint8Array | null;

/**
 * What the encoder takes for a field (see record-writer.ts):
 * integers as `number` (safe integers) or `bigint`; addresses as text or bytes
 * (an IPv4 address also as a 32-bit number, or as the 16-byte IPv4-mapped form
 * the datapath uses); dateTime numbers are floored to the field's resolution.
 */
export type FieldInput = number | bigint | boolean | string | Uint8Array;

export function isAbstractType(name: string): name is AbstractType {
  return (ABSTRACT_TYPES as readonly string[]).includes(name);
}

/** The length a field of this type has unless the template says otherwise. */
export function defaultLength(type: AbstractType): number {
  switch (type) {
    case "unsigned8":
    case "signed8":
    case "boolean":
      return 1;
    case "unsigned16":
    case "signed16":
      return 2;
    case "unsigned32":
    case "signed32":
    case "float32":
    case "ipv4Address":
    case "dateTimeSeconds":
      return 4;
    case "unsigned64":
    case "signed64":
    case "float64":
    case "dateTimeMilliseconds":
    case "dateTimeMicroseconds":
    case "dateTimeNanoseconds":
      return 8;
    case "macAddress":
      return 6;
    case "ipv6Address":
      return 16;
    case "octetArray":
    case "string":
    case "basicList":
    case "subTemplateList":
    case "subTemplateMultiList":
      return VARIABLE_LENGTH;
  }
}

/** Octets-or-text types: any fixed length, or variable length. */
export function isVariableSized(type: AbstractType): boolean {
  return defaultLength(type) === VARIABLE_LENGTH;
}

/**
 * Whether a template may give a field of this type this length. Integers may
 * shrink to any smaller size that still holds the value and float64 may travel
 * as float32 (RFC 7011 section 6.2); every other fixed type has one size.
 */
export function isValidLength(type: AbstractType, length: number): boolean {
  if (!Number.isInteger(length) || length < 0 || length > VARIABLE_LENGTH) return false;
  switch (type) {
    case "unsigned16":
    case "signed16":
    case "unsigned32":
    case "signed32":
    case "unsigned64":
    case "signed64":
      return length >= 1 && length <= defaultLength(type);
    case "float64":
      return length === 8 || length === 4;
    default:
      return isVariableSized(type) || length === defaultLength(type);
  }
}
