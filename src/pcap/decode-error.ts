// What the capture decoder reports instead of throwing. A damaged block or
// record ends the file's decoding (its lengths can no longer be trusted);
// everything before it is kept.

export type CaptureErrorCode =
  /** The first four octets are neither a pcap magic number nor a pcapng Section Header Block. */
  | "bad_magic"
  /** A pcap file header or a pcapng block header shorter than its format's minimum. */
  | "short_header"
  /** A pcapng block whose total length is below 12, not a multiple of 4, or differs from its trailing copy. */
  | "bad_block_length"
  /** A packet whose captured length exceeds its block or the file's 256 MiB sanity cap. */
  | "bad_packet_length"
  /** A pcapng packet naming an interface no Interface Description Block declared. */
  | "unknown_interface"
  /** A pcapng section of another major version than 1. */
  | "bad_version";

export interface CaptureError {
  code: CaptureErrorCode;
  message: string;
  /** Offset, from the start of the file, of the header, block or record at fault. */
  offset: number;
}
