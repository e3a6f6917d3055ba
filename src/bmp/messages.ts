// The decoded form of each BMP message type (RFC 7854 section 4, RFC 9069).
import type { BgpNotification } from "./bgp-notification.js";
import type { BgpOpen } from "./bgp-open.js";
import type { DecodedUpdate } from "./bgp-update.js";
import type { InfoTlv } from "./info-tlv.js";
import type { PerPeerHeader } from "./per-peer-header.js";

export interface BmpCommonHeader {
  version: number;
  /** Octets in the whole message, header included. */
  length: number;
  type: number;
}

export interface RouteMonitoring {
  type: "route_monitoring";
  peer: PerPeerHeader;
  /** Absent when the BGP message around it could not be read (see the problems). */
  update?: DecodedUpdate;
}

export interface StatCounter {
  /** RFC 7854 section 4.8 / RFC 8671 stat type. */
  type: number;
  /** 32-bit counters and 64-bit gauges alike. */
  value: bigint;
  /** For the per-AFI/SAFI gauges (types 9, 10, 16, 17). */
  afi?: number;
  safi?: number;
}

export interface StatisticsReport {
  type: "statistics_report";
  peer: PerPeerHeader;
  stats: StatCounter[];
  /** Stat types the decoder does not know (FRR's vendor type 65531, say): skipped, in order. */
  skippedTypes: number[];
}

export interface PeerDown {
  type: "peer_down";
  peer: PerPeerHeader;
  /** 1-6; absent when the body is empty. */
  reason?: number;
  /** Reasons 1 and 3. */
  notification?: BgpNotification;
  /** Reason 2: the FSM event that closed the session. */
  fsmEvent?: number;
  /** Reason 6 (RFC 9069): information TLVs, such as the VRF/table name. */
  info: InfoTlv[];
}

export interface PeerUp {
  type: "peer_up";
  peer: PerPeerHeader;
  /** 4 octets unless the peer header's V flag is set; absent if the body is cut short. */
  localAddress?: Uint8Array;
  localPort?: number;
  remotePort?: number;
  /** The OPEN the monitored router sent; absent if unreadable (decoding then uses defaults). */
  sentOpen?: BgpOpen;
  /** The OPEN the monitored router received from the peer. */
  receivedOpen?: BgpOpen;
  info: InfoTlv[];
}

export interface Initiation {
  type: "initiation";
  info: InfoTlv[];
  sysDescr?: string;
  sysName?: string;
  /** Free-form string TLVs (type 0), in order. */
  strings: string[];
}

export interface Termination {
  type: "termination";
  info: InfoTlv[];
  /** RFC 7854 section 4.5: 0 closed by administrator, 1 unspecified, 2 out of resources, 3 redundant, 4 permanently closed. */
  reason?: number;
  strings: string[];
}

/** Recognised and not decoded: the collector has no use for mirrored PDUs. */
export interface RouteMirroring {
  type: "route_mirroring";
  peer: PerPeerHeader;
}

export type BmpMessage = RouteMonitoring | StatisticsReport | PeerDown | PeerUp | Initiation | Termination | RouteMirroring;
