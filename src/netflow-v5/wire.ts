// NetFlow v5 on the wire (Cisco's fixed format; no RFC): a 24-octet header
// and up to 30 records of 48 octets, every field big-endian.
export const VERSION = 5;
export const HEADER_LENGTH = 24;
export const RECORD_LENGTH = 48;
/** Cisco's limit per datagram; 24 + 30 x 48 = 1464 octets fits an Ethernet MTU. */
export const MAX_RECORDS = 30;

/** Header field offsets. */
export const H = {
  version: 0,
  count: 2,
  sysUptime: 4,
  unixSecs: 8,
  unixNsecs: 12,
  flowSequence: 16,
  engineType: 20,
  engineId: 21,
  samplingInterval: 22,
} as const;

/** Record field offsets, from the record's start. */
export const R = {
  srcAddr: 0,
  dstAddr: 4,
  nextHop: 8,
  input: 12,
  output: 14,
  packets: 16,
  octets: 20,
  first: 24,
  last: 28,
  srcPort: 32,
  dstPort: 34,
  pad1: 36,
  tcpFlags: 37,
  protocol: 38,
  tos: 39,
  srcAs: 40,
  dstAs: 42,
  srcMask: 44,
  dstMask: 45,
  pad2: 46,
} as const;
