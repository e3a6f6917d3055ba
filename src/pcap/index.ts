// Capture files (pcap, pcapng), pure: a decoder fed the file in pieces
// (`rfm collect --pcap`) and a classic pcap writer beside it (generator, tests).
export type { CapturePacket } from "./capture-packet.js";
export { CaptureDecoder, decodeCapture, type CaptureFormat } from "./decoder.js";
export type { CaptureError, CaptureErrorCode } from "./decode-error.js";
export { encodePcap, type PcapOptions } from "./encoder.js";
export { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW } from "./wire.js";
