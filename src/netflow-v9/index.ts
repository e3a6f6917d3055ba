// The NetFlow v9 codec (RFC 3954): pure functions over bytes, encoder beside
// decoder, on the IPFIX codec's templates, record reader and template cache.
// Shared by the collector (decodeNetflowV9) and the generator (encodeNetflowV9).
export { decodeNetflowV9, decodePendingFlowSet, type NetflowV9DecodeOptions, type NetflowV9Decoded, type NetflowV9PendingDecoded } from "./decoder.js";
export {
  encodeNetflowV9,
  type NetflowV9DatagramSpec,
  type NetflowV9DataFlowSetSpec,
  type NetflowV9FlowSetSpec,
  type NetflowV9TemplateFlowSetSpec,
} from "./encoder.js";
export type { NetflowV9DataFlowSet, NetflowV9FlowSet, NetflowV9Header, NetflowV9PendingFlowSet, NetflowV9TemplateFlowSet } from "./datagram.js";
export type { NetflowV9Error, NetflowV9ErrorCode } from "./decode-error.js";
export { netflowV9IanaLookup, netflowV9Lookup, scopeField } from "./field-types.js";
export { switchedTimes, switchedToUnixMs } from "./switched-time.js";
export {
  FIRST_SWITCHED,
  HEADER_LENGTH,
  LAST_SWITCHED,
  MAX_DATAGRAM_LENGTH,
  MAX_RECORD_LENGTH,
  SCOPE_CACHE,
  SCOPE_INTERFACE,
  SCOPE_LINE_CARD,
  SCOPE_SYSTEM,
  SCOPE_TEMPLATE,
} from "./wire.js";
