// How a monitored session's UPDATEs are encoded, worked out from its Peer Up:
// the AS number width (RFC 6793 section 4.1) and the families that carry
// ADD-PATH path identifiers (RFC 7911 section 4), then adjusted per Route
// Monitoring message for the A and O flags (RFC 7854, RFC 8671) and the
// Loc-RIB peer type (RFC 9069).
import type { BgpOpen } from "./bgp-open.js";
import type { PerPeerHeader } from "./per-peer-header.js";
import { familyKey } from "./prefix.js";
import { PeerType } from "./wire.js";

export interface SessionOptions {
  /** Both OPENs carried the 4-octet AS capability. */
  fourOctetAsn: boolean;
  /** Families whose routes received by the monitored router (Adj-RIB-In, Loc-RIB) carry path IDs; keys from familyKey(). */
  addPathReceived: ReadonlySet<number>;
  /** Families whose routes sent by the monitored router (Adj-RIB-Out, O flag) carry path IDs. */
  addPathSent: ReadonlySet<number>;
}

/** What an UPDATE decoder needs to know about the message at hand. */
export interface UpdateOptions {
  /** AS_PATH and AGGREGATOR carry 4-octet AS numbers. */
  fourOctetAsn: boolean;
  /** Families (familyKey) whose prefixes carry path IDs. */
  addPath: ReadonlySet<number>;
  /**
   * A Loc-RIB (peer type 3) message: the router's own routes may come without
   * an AS_PATH (GoBGP 3.10 sends them so); read that as an empty path.
   */
  locRib?: boolean;
}

const NONE: ReadonlySet<number> = new Set<number>();

/**
 * For a peer no Peer Up was seen for: RFC 7854 says a clear A flag means
 * 4-octet AS numbers, and without OPENs nothing says ADD-PATH is in use.
 */
export const DEFAULT_SESSION_OPTIONS: SessionOptions = Object.freeze({ fourOctetAsn: true, addPathReceived: NONE, addPathSent: NONE });

/**
 * The options of the session a Peer Up opened. In the Peer Up the sent OPEN is
 * the monitored router's and the received OPEN its peer's, so routes the
 * router received carry path IDs for a family when the peer's OPEN can send
 * them and the router's OPEN can receive them; routes it sent (Adj-RIB-Out),
 * the other way round. A Loc-RIB (peer type 3) repeats one fabricated OPEN in
 * both places (RFC 9069 section 5.2), so any ADD-PATH entry in it means path
 * IDs, and its AS numbers are always 4 octets (section 5.4.1). Without both
 * OPENs the defaults apply.
 */
export function sessionOptionsFromPeerUp(peer: PerPeerHeader, sentOpen: BgpOpen | undefined, receivedOpen: BgpOpen | undefined): SessionOptions {
  if (peer.peerType === PeerType.LocRib) {
    const open = sentOpen ?? receivedOpen;
    if (!open) return DEFAULT_SESSION_OPTIONS;
    const families = new Set<number>();
    for (const f of open.addPath) if (f.send || f.receive) families.add(familyKey(f.afi, f.safi));
    return { fourOctetAsn: true, addPathReceived: families, addPathSent: families };
  }
  if (!sentOpen || !receivedOpen) return DEFAULT_SESSION_OPTIONS;
  return {
    fourOctetAsn: sentOpen.fourOctetAsn && receivedOpen.fourOctetAsn,
    addPathReceived: addPathFlow(receivedOpen, sentOpen),
    addPathSent: addPathFlow(sentOpen, receivedOpen),
  };
}

/** Families for which sender's OPEN can send path IDs and receiver's can receive them. */
function addPathFlow(sender: BgpOpen, receiver: BgpOpen): ReadonlySet<number> {
  const canSend = new Set<number>();
  for (const f of sender.addPath) if (f.send) canSend.add(familyKey(f.afi, f.safi));
  const out = new Set<number>();
  for (const f of receiver.addPath) {
    const key = familyKey(f.afi, f.safi);
    if (f.receive && canSend.has(key)) out.add(key);
  }
  return out;
}

/**
 * The options for one Route Monitoring message: the A flag forces 2-octet AS
 * numbers whatever was negotiated; otherwise the session's width applies. The
 * O flag picks the sent direction's ADD-PATH families.
 */
export function updateOptionsFor(peer: PerPeerHeader, session: SessionOptions = DEFAULT_SESSION_OPTIONS): UpdateOptions {
  return {
    fourOctetAsn: peer.legacyAsPath ? false : session.fourOctetAsn,
    addPath: peer.adjRibOut ? session.addPathSent : session.addPathReceived,
    locRib: peer.peerType === PeerType.LocRib,
  };
}
