// The per-peer header (RFC 7854 section 4.2, RFC 9069 section 4.1) in front of
// every message about one peer.
import type { DecodeContext } from "./context.js";
import { LOC_RIB_FILTERED_FLAG, PeerFlag, PeerType } from "./wire.js";

export interface PerPeerHeader {
  /** 0 global instance, 1 RD instance, 2 local instance, 3 Loc-RIB (RFC 9069); others are passed on as is. */
  peerType: number;
  /** The raw flags octet; the booleans below decode it for the peer type. */
  flags: number;
  /** V: the peer (and a Peer Up's local) address is IPv6. Always false for a Loc-RIB. */
  ipv6: boolean;
  /** L: routes are post-policy. */
  postPolicy: boolean;
  /** A: the AS_PATH is in the legacy 2-octet form. */
  legacyAsPath: boolean;
  /** O (RFC 8671): routes are the Adj-RIB-Out, those sent to the peer. */
  adjRibOut: boolean;
  /** F (RFC 9069): a Loc-RIB's routes are filtered. */
  filtered: boolean;
  /** The 8-octet route distinguisher or instance ID, 0 for the global instance. */
  distinguisher: bigint;
  /** 4 octets unless ipv6 (RFC 7854 puts IPv4 in the last 4 of 16). */
  address: Uint8Array;
  asn: number;
  bgpId: number;
  timestampSeconds: number;
  timestampMicros: number;
}

/** Reads the header at offset; the caller has checked that 42 octets are there. */
export function decodePerPeerHeader(ctx: DecodeContext, offset: number): PerPeerHeader {
  const { bytes, view } = ctx;
  const peerType = bytes[offset];
  const flags = bytes[offset + 1];
  const locRib = peerType === PeerType.LocRib;
  const ipv6 = !locRib && (flags & PeerFlag.V) !== 0;
  const addressAt = offset + 10;
  return {
    peerType,
    flags,
    ipv6,
    postPolicy: !locRib && (flags & PeerFlag.L) !== 0,
    legacyAsPath: !locRib && (flags & PeerFlag.A) !== 0,
    adjRibOut: !locRib && (flags & PeerFlag.O) !== 0,
    filtered: locRib && (flags & LOC_RIB_FILTERED_FLAG) !== 0,
    distinguisher: view.getBigUint64(offset + 2),
    address: ipv6 ? bytes.slice(addressAt, addressAt + 16) : bytes.slice(addressAt + 12, addressAt + 16),
    asn: view.getUint32(offset + 26),
    bgpId: view.getUint32(offset + 30),
    timestampSeconds: view.getUint32(offset + 34),
    timestampMicros: view.getUint32(offset + 38),
  };
}

/**
 * Names the monitored session: peer type, distinguisher and address. The flags
 * are left out on purpose: pre- and post-policy, Adj-RIB-In and -Out messages
 * of one peer all belong to the session its one Peer Up opened.
 */
export function peerKey(peer: PerPeerHeader): string {
  let hex = "";
  for (const b of peer.address) hex += b.toString(16).padStart(2, "0");
  return `${peer.peerType}/${peer.distinguisher.toString(16)}/${hex}`;
}
