// The fixed numbers of the NetFlow v9 wire format (RFC 3954): a 20-octet
// header, then FlowSets, each a 4-octet header (ID, length) and its records,
// every field big-endian. The header has no length of its own: the datagram
// ends where UDP says it does.
export const VERSION = 9;
export const HEADER_LENGTH = 20;

/** Header field offsets (RFC 3954 section 5.1). */
export const H = {
  version: 0,
  count: 2,
  sysUptime: 4,
  unixSecs: 8,
  sequenceNumber: 12,
  sourceId: 16,
} as const;

/** FlowSet ID, length (the length counts the header and any padding). */
export const FLOWSET_HEADER_LENGTH = 4;
export const TEMPLATE_FLOWSET_ID = 0;
export const OPTIONS_TEMPLATE_FLOWSET_ID = 1;
/** Data FlowSets carry their template's ID, 256 and up; 2-255 are reserved. */
export const MIN_DATA_FLOWSET_ID = 256;

/** Template record header: template ID, field count. */
export const TEMPLATE_RECORD_HEADER_LENGTH = 4;
/** Options template record header: template ID, option scope length, option length (both in octets of field specifiers). */
export const OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH = 6;
/** Field type, field length. v9 has no enterprise bit and no variable length (65535 is a length like any other). */
export const FIELD_SPECIFIER_LENGTH = 4;

/** Padding to the next 4-octet boundary after a FlowSet's records (RFC 3954 sections 5.3 and 6.2). */
export const MAX_PADDING = 3;
/** A FlowSet's length is 16 bits and counts its own header: no record can be longer. */
export const MAX_RECORD_LENGTH = 65535 - FLOWSET_HEADER_LENGTH;
/** The largest UDP payload over IPv4: the encoder's limit for one datagram. */
export const MAX_DATAGRAM_LENGTH = 65507;

/** Scope field types of options templates (RFC 3954 section 6.1). */
export const SCOPE_SYSTEM = 1;
export const SCOPE_INTERFACE = 2;
export const SCOPE_LINE_CARD = 3;
export const SCOPE_CACHE = 4;
export const SCOPE_TEMPLATE = 5;

/** sysUptime (ms) at a flow's last and first packet (RFC 3954 section 8: LAST_SWITCHED, FIRST_SWITCHED). */
export const LAST_SWITCHED = 21;
export const FIRST_SWITCHED = 22;
