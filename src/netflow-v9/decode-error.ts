// What the NetFlow v9 decoder reports instead of throwing. Each error names
// the octet offset in the datagram where the problem was found; the decoder
// goes on with whatever remains decodable.

export type NetflowV9ErrorCode =
  /** Fewer than 20 octets: no header, nothing decoded. */
  | "short_datagram"
  /** The version field is not 9: nothing decoded. */
  | "bad_version"
  /**
   * The header's count differs from the records the datagram holds (templates,
   * options templates, data and options data records: RFC 3954 section 5.1).
   * Checked only when every FlowSet could be counted, so never beside an
   * error that left records uncounted; decoding is not affected.
   */
  | "count_mismatch"
  /** Fewer than 4 octets left for a FlowSet header, or a FlowSet length below 4: the rest of the datagram is skipped. */
  | "short_flowset"
  /** A FlowSet runs past the end of the datagram: its whole records (or templates) before the cut are kept. */
  | "truncated_flowset"
  /** FlowSet ID 2-255 (reserved): the FlowSet is skipped. */
  | "reserved_flowset_id"
  /** A template record runs past the end of its FlowSet: the rest of the FlowSet is skipped. */
  | "template_overrun"
  /** A template ID below 256: the record is skipped. */
  | "bad_template_id"
  /** An options template whose scope or option length is not a multiple of 4 (the size of a field specifier): the record is skipped. */
  | "bad_option_lengths"
  /** A field length its type cannot have (a 3-octet IPv4 address): the field decodes as raw octets. */
  | "bad_field_length"
  /**
   * A template with no fields, or only 0-octet ones: not kept. RFC 3954 has no
   * template withdrawal (templates expire at the collector), so field count 0
   * withdraws nothing, unlike IPFIX (RFC 7011 section 8.1).
   */
  | "empty_template"
  /** A template whose records would be longer than any FlowSet can carry (65,531 octets; a field of length 65535 is one): not kept. */
  | "oversized_template"
  /** A data FlowSet whose template is not known (never received, or evicted): kept as a pending FlowSet, not decoded. */
  | "unknown_template"
  /** 4 or more octets after a FlowSet's last whole record (padding to a 4-octet boundary takes at most 3): ignored. */
  | "bad_padding"
  /** A value not valid for its type (a string that is not UTF-8, a boolean other than 1 or 2): it decodes as null. */
  | "bad_value"
  /** A decoder bug caught at its boundary; tests fail on it. */
  | "internal_error";

export interface NetflowV9Error {
  code: NetflowV9ErrorCode;
  message: string;
  /** Offset in the datagram of the header, FlowSet, record or field at fault. */
  offset: number;
  /** The FlowSet's ID, when the error is inside a FlowSet. */
  flowSetId?: number;
  templateId?: number;
}

export function v9Error(code: NetflowV9ErrorCode, offset: number, message: string, extra?: { flowSetId?: number; templateId?: number }): NetflowV9Error {
  return { code, message, offset, ...extra };
}
