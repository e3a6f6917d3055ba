// What the sFlow decoder reports instead of throwing; each names the offset
// (from the datagram's start) at fault. Samples and records carry their own
// lengths, so a bad one costs only itself: decoding goes on with the next
// wherever the lengths still hold. Formats the codec does not read are no
// error: they come back as "unknown" samples and records.

export type SflowErrorCode =
  /** Fewer octets than the datagram header (24 plus the agent address): nothing decoded. */
  | "short_datagram"
  /** The version is not 5: nothing decoded. */
  | "bad_version"
  /** An address type other than 0, 1, 2 (its length is unknown): in the header nothing is decoded; in a record the record is skipped. */
  | "bad_address_type"
  /** More samples announced than MAX_SAMPLES: the first MAX_SAMPLES are decoded. */
  | "too_many_samples"
  /** The datagram ends before an announced sample, inside a sample's tag, or before a sample's stated length: decoding stops there. */
  | "truncated_sample"
  /** A sample shorter than its format's fixed fields: skipped. */
  | "short_sample"
  /** More records announced in a sample than MAX_RECORDS: the first MAX_RECORDS are decoded. */
  | "too_many_records"
  /** A sample ends before an announced record, inside a record's tag, or before a record's stated length: the sample keeps the records before it. */
  | "truncated_record"
  /** A record whose fields do not fit its length (a fixed structure cut short, a count or string length past its end): skipped. */
  | "bad_record"
  /** Octets after the datagram's announced samples, a sample's announced records, or a record's fields: ignored, everything before kept. */
  | "trailing_octets";

export interface SflowError {
  code: SflowErrorCode;
  message: string;
  offset: number;
}
