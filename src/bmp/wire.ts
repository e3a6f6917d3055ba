// The fixed numbers of BMP (RFC 7854, RFC 9069) and of the parts of BGP-4 it
// carries (RFC 4271, RFC 4760, RFC 6793, RFC 7911, RFC 1997, RFC 8092).

export const BMP_VERSION = 3;
/** Version (1), message length (4), message type (1). */
export const COMMON_HEADER_LENGTH = 6;
/** Type, flags, distinguisher, address, AS, BGP ID, timestamp seconds and microseconds. */
export const PER_PEER_HEADER_LENGTH = 42;
/** Local address (16), local port (2), remote port (2): between the per-peer header and the OPENs of a Peer Up. */
export const PEER_UP_FIXED_LENGTH = 20;
/** Type (2) and length (2) of an information or statistics TLV. */
export const TLV_HEADER_LENGTH = 4;

export const MessageType = {
  RouteMonitoring: 0,
  StatisticsReport: 1,
  PeerDown: 2,
  PeerUp: 3,
  Initiation: 4,
  Termination: 5,
  RouteMirroring: 6,
} as const;

export const PeerType = {
  Global: 0,
  RdInstance: 1,
  LocalInstance: 2,
  /** RFC 9069: the monitored router's own Loc-RIB. */
  LocRib: 3,
} as const;

/** Per-peer header flags for peer types 0-2. */
export const PeerFlag = {
  /** The peer address is IPv6. */
  V: 0x80,
  /** Post-policy Adj-RIB-In. */
  L: 0x40,
  /** The AS_PATH is in the legacy 2-octet form. */
  A: 0x20,
  /** RFC 8671: Adj-RIB-Out. */
  O: 0x10,
} as const;
/** RFC 9069: for peer type 3 the top bit is F, the Loc-RIB is filtered. */
export const LOC_RIB_FILTERED_FLAG = 0x80;

export const InitiationTlv = { String: 0, SysDescr: 1, SysName: 2 } as const;
export const TerminationTlv = { String: 0, Reason: 1 } as const;
/** RFC 9069 section 5.2.1: the VRF/table name information TLV of a Loc-RIB Peer Up. */
export const VRF_TABLE_NAME_TLV = 3;

export const PeerDownReason = {
  LocalNotification: 1,
  LocalNoNotification: 2,
  RemoteNotification: 3,
  RemoteNoData: 4,
  PeerDeconfigured: 5,
  /** RFC 9069: information TLVs follow. */
  LocalSystemClosed: 6,
} as const;

// BGP-4.
export const BGP_MARKER_LENGTH = 16;
/** Marker (16), length (2), type (1). */
export const BGP_HEADER_LENGTH = 19;
export const BgpMessageType = { Open: 1, Update: 2, Notification: 3, Keepalive: 4, RouteRefresh: 5 } as const;
/** Version, My AS, Hold Time, BGP Identifier, Optional Parameters Length. */
export const OPEN_FIXED_LENGTH = 10;
export const OPEN_CAPABILITIES_PARAMETER = 2;
/** RFC 9072: an Optional Parameters Length and a first parameter type of 255 mean 2-octet parameter lengths. */
export const OPEN_EXTENDED_PARAMETERS = 255;

export const Capability = { Multiprotocol: 1, FourOctetAs: 65, AddPath: 69 } as const;
/** RFC 7911 Send/Receive field. */
export const AddPathDirection = { Receive: 1, Send: 2, Both: 3 } as const;

export const Afi = { Ipv4: 1, Ipv6: 2 } as const;
export const Safi = { Unicast: 1 } as const;

export const AttributeType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  As4Path: 17,
  As4Aggregator: 18,
  LargeCommunities: 32,
} as const;

export const AttributeFlag = { Optional: 0x80, Transitive: 0x40, Partial: 0x20, ExtendedLength: 0x10 } as const;

export const SegmentType = { AsSet: 1, AsSequence: 2, AsConfedSequence: 3, AsConfedSet: 4 } as const;

/** RFC 6793: the 2-octet stand-in for an AS number that does not fit. */
export const AS_TRANS = 23456;

/** RFC 4271 / RFC 8654: a BGP message is at most 65,535 octets (4,096 without extended messages). */
export const MAX_BGP_MESSAGE_LENGTH = 65535;
