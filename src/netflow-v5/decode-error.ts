// What the NetFlow v5 decoder reports instead of throwing; each names the
// offset at fault. The decoder keeps every whole record it can.

export type NetflowV5ErrorCode =
  /** Fewer than 24 octets: no header, nothing decoded. */
  | "short_datagram"
  /** The version field is not 5: nothing decoded. */
  | "bad_version"
  /** The header announces 0 records, or more than 30 (Cisco's limit): the whole records present are still decoded. */
  | "bad_count"
  /** The datagram ends inside a record the header announced: the whole records before it are kept. */
  | "truncated_record"
  /** Octets after the records the header announced: ignored. */
  | "trailing_octets";

export interface NetflowV5Error {
  code: NetflowV5ErrorCode;
  message: string;
  offset: number;
}
