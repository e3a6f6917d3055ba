// The fixed numbers of the RFC 7011 wire format.

export const IPFIX_VERSION = 10;
/** Version, length, export time, sequence number, observation domain ID. */
export const MESSAGE_HEADER_LENGTH = 16;
/** Set ID, length. */
export const SET_HEADER_LENGTH = 4;
export const TEMPLATE_SET_ID = 2;
export const OPTIONS_TEMPLATE_SET_ID = 3;
/** Data sets carry the template ID (256 and up) as their set ID. */
export const MIN_DATA_SET_ID = 256;
export const MAX_MESSAGE_LENGTH = 65535;
/** Set on a field's element ID when a private enterprise number follows. */
export const ENTERPRISE_BIT = 0x8000;
/** Template record header: template ID, field count (a withdrawal is just this). */
export const TEMPLATE_RECORD_HEADER_LENGTH = 4;
/** Options template record header: template ID, field count, scope field count. */
export const OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH = 6;
/** A variable-length value longer than 254 octets: 255, then a 16-bit length. */
export const LONG_LENGTH_MARKER = 255;

export interface MessageHeader {
  /** Bytes of the whole message, header included. */
  length: number;
  /** Seconds since 1970 when the message left the exporter. */
  exportTime: number;
  /** Data records sent before this message in this domain, modulo 2^32. */
  sequenceNumber: number;
  observationDomainId: number;
}
