// The BMP v3 codec (RFC 7854, RFC 9069) with the BGP-4 it carries: pure
// functions over bytes for the collector's BMP listener, which owns the TCP
// session and the RIB.
export {
  BmpFramer,
  DEFAULT_MAX_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH_LIMIT,
  MIN_MESSAGE_LENGTH_LIMIT,
  type BmpFramerOptions,
  type FramerOutput,
  type FramingError,
  type FramingErrorCode,
} from "./framer.js";
export { decodeBmpMessage, type BmpDecodeOptions, type DecodedBmpMessage } from "./message-decoder.js";
export type {
  BmpCommonHeader,
  BmpMessage,
  Initiation,
  PeerDown,
  PeerUp,
  RouteMirroring,
  RouteMonitoring,
  StatCounter,
  StatisticsReport,
  Termination,
} from "./messages.js";
export { peerKey, type PerPeerHeader } from "./per-peer-header.js";
export { formatRouteDistinguisher, parseRouteDistinguisher } from "./route-distinguisher.js";
export type { BmpProblem, BmpProblemCode, ProblemAction } from "./problem.js";
export type { DecodedUpdate, SkippedFamily, UpdateOutcome } from "./bgp-update.js";
export { familyKey, type AddressFamily, type AnnouncedRoute, type Route } from "./prefix.js";
export { toMapped16 } from "./mapped-address.js";
export { MAX_LIST_ENTRIES, type RouteAttributes } from "./route-attributes.js";
export type { Aggregator } from "./effective-as-path.js";
export type { AddPathFamily, BgpOpen, Family } from "./bgp-open.js";
export type { BgpNotification } from "./bgp-notification.js";
export { tlvText, type InfoTlv } from "./info-tlv.js";
export { DEFAULT_SESSION_OPTIONS, sessionOptionsFromPeerUp, updateOptionsFor, type SessionOptions, type UpdateOptions } from "./session-options.js";
export { DEFAULT_MAX_PEERS, PeerSessions } from "./peer-sessions.js";
export { AS_TRANS, MessageType, PeerType } from "./wire.js";
