// sFlow version 5 on the wire (sflow.org's "sFlow Version 5", July 2004):
// XDR throughout, so every field is a big-endian 32-bit word or a multiple
// of one, and variable-length opaques and strings carry a 32-bit length and
// are padded to 4 octets. Samples and records are tagged with a data format,
// enterprise << 12 | format, and carry their own length, so a reader skips
// what it does not know.
import { LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6 } from "../packet/wire.js";

export const VERSION = 5;

/** Address types (the spec's address union). */
export const ADDRESS_UNKNOWN = 0;
export const ADDRESS_IPV4 = 1;
export const ADDRESS_IPV6 = 2;

/** Datagram header octets before the agent address: version, address type. */
export const HEADER_PREFIX_LENGTH = 8;
/** Datagram header octets after it: sub-agent id, sequence, uptime, sample count. */
export const HEADER_SUFFIX_LENGTH = 16;
/** Data format and length before each sample's and each record's data. */
export const TAG_LENGTH = 8;

/** Sample formats of enterprise 0. */
export const SAMPLE_FLOW = 1;
export const SAMPLE_COUNTERS = 2;
export const SAMPLE_FLOW_EXPANDED = 3;
export const SAMPLE_COUNTERS_EXPANDED = 4;

/** Octets each sample format has before its records (the last is the record count). */
export const FLOW_SAMPLE_FIXED = 32;
export const FLOW_SAMPLE_EXPANDED_FIXED = 44;
export const COUNTERS_SAMPLE_FIXED = 12;
export const COUNTERS_SAMPLE_EXPANDED_FIXED = 16;

/** Flow record formats of enterprise 0. */
export const FLOW_SAMPLED_HEADER = 1;
export const FLOW_SAMPLED_ETHERNET = 2;
export const FLOW_SAMPLED_IPV4 = 3;
export const FLOW_SAMPLED_IPV6 = 4;
export const FLOW_EXTENDED_SWITCH = 1001;
export const FLOW_EXTENDED_ROUTER = 1002;
export const FLOW_EXTENDED_GATEWAY = 1003;
export const FLOW_EXTENDED_USER = 1004;
export const FLOW_EXTENDED_URL = 1005;

/** Counter record formats of enterprise 0. */
export const COUNTERS_GENERIC_INTERFACE = 1;
export const COUNTERS_ETHERNET = 2;
export const COUNTERS_VLAN = 5;
export const COUNTERS_PROCESSOR = 1001;

/** Record lengths of the fixed-size structures (a MAC is opaque[6], padded to 8). */
export const SAMPLED_HEADER_FIXED = 16;
export const SAMPLED_ETHERNET_LENGTH = 24;
export const SAMPLED_IPV4_LENGTH = 32;
export const SAMPLED_IPV6_LENGTH = 56;
export const EXTENDED_SWITCH_LENGTH = 16;
export const GENERIC_INTERFACE_LENGTH = 88;
export const ETHERNET_COUNTERS_LENGTH = 52;
export const VLAN_COUNTERS_LENGTH = 28;
export const PROCESSOR_LENGTH = 28;

/**
 * Caps on what one datagram makes the decoder build. A 9000-octet jumbo
 * datagram holds at most 225 empty flow samples, and real agents send a
 * handful per 1400-octet datagram; hsflowd's host counter samples, the
 * largest, carry about 20 records. Past a cap the rest is not decoded and
 * the datagram reports too_many_samples / too_many_records.
 */
export const MAX_SAMPLES = 256;
export const MAX_RECORDS = 64;

/** The sampled_header protocols the packet dissector reads, as link types. */
export const HEADER_PROTOCOL_ETHERNET = 1;
export const HEADER_PROTOCOL_IPV4 = 11;
export const HEADER_PROTOCOL_IPV6 = 12;
export function headerLinkType(headerProtocol: number): number {
  if (headerProtocol === HEADER_PROTOCOL_ETHERNET) return LINKTYPE_ETHERNET;
  if (headerProtocol === HEADER_PROTOCOL_IPV4) return LINKTYPE_IPV4;
  if (headerProtocol === HEADER_PROTOCOL_IPV6) return LINKTYPE_IPV6;
  return -1;
}

/** XDR pads opaques and strings to a multiple of 4 octets. */
export const padded = (n: number): number => n + ((4 - (n % 4)) % 4); // lengths are 32-bit unsigned: no bitwise ops
