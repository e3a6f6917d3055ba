// What the decoder reports instead of throwing. Each error names the byte
// offset in the message where the problem was found; the decoder goes on with
// whatever remains decodable.

export type DecodeErrorCode =
  /** Fewer than 16 octets: no message header. */
  | "short_message"
  /** Version is not 10 (nothing else is decoded). */
  | "bad_version"
  /** The header's length differs from the bytes given (sets are read up to the shorter). */
  | "length_mismatch"
  /** Fewer than 4 octets left for a set header, or a set length below 4: the rest of the message is skipped. */
  | "short_set"
  /** A set runs past the end of the message: it and the rest are skipped. */
  | "set_overrun"
  /** Set ID 0, 1 or 4-255 (RFC 7011 reserves them): the set is skipped. */
  | "reserved_set_id"
  /** A template record runs past the end of its set: the rest of the set is skipped. */
  | "template_overrun"
  /** A template ID below 256 (other than a set's own ID in a withdraw-all): the record is skipped. */
  | "bad_template_id"
  /** An options template whose scope field count is 0 or above its field count: the record is skipped. */
  | "bad_scope_count"
  /** A field length its type cannot have (e.g. a 3-octet IPv4 address): the field decodes as raw octets. */
  | "bad_field_length"
  /** A template whose records would have no octets: the template is not kept. */
  | "empty_template"
  /** A withdrawal of a template that is not known (RFC 7011 section 8.1: ignored). */
  | "withdraw_unknown"
  /** A data set whose template is not known (never received, withdrawn or evicted): the set is skipped. */
  | "unknown_template"
  /** A data record runs past the end of its set: the rest of the set is skipped. */
  | "field_overrun"
  /** A value not valid for its type (a boolean other than 1 or 2): it decodes as null. */
  | "bad_value"
  /** A decoder bug caught at its boundary; tests fail on it. */
  | "internal_error";

export interface DecodeError {
  kind: "error";
  code: DecodeErrorCode;
  message: string;
  /** Offset in the message of the header, set, record or field at fault. */
  offset: number;
  /** The set's ID, when the error is inside a set. */
  setId?: number;
  templateId?: number;
}

export function decodeError(code: DecodeErrorCode, offset: number, message: string, extra?: { setId?: number; templateId?: number }): DecodeError {
  return { kind: "error", code, message, offset, ...extra };
}
