// The two capture file formats on disk: classic pcap (a 24-octet file header,
// then 16-octet record headers) and pcapng (blocks: type, total length,
// body, total length again), each in either byte order.
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAPNG_INTERFACE_DESCRIPTION = 1;
export const PCAPNG_OBSOLETE_PACKET = 2;
export const PCAPNG_SIMPLE_PACKET = 3;
export const PCAPNG_ENHANCED_PACKET = 6;
/** Interface Description Block options read: timestamp resolution and offset. */
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;

/** No frame is larger: a length above it is damage, not data (and keeps a hostile file from asking for more). */
export const MAX_PACKET_LENGTH = 256 * 1024 * 1024;

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;
