// Peer Up (RFC 7854 section 4.10): the session's addresses, both OPENs, and
// information TLVs. Whatever part is readable is kept: the per-peer header
// alone is enough for a RIB to know the peer is up.
import { decodeOpen } from "./bgp-open.js";
import { report, type DecodeContext } from "./context.js";
import { decodeInfoTlvs } from "./info-tlv.js";
import type { PeerUp } from "./messages.js";
import { decodePerPeerHeader } from "./per-peer-header.js";
import { PEER_UP_FIXED_LENGTH, PER_PEER_HEADER_LENGTH } from "./wire.js";

export function decodePeerUp(ctx: DecodeContext, start: number, end: number): PeerUp {
  const peer = decodePerPeerHeader(ctx, start);
  const out: PeerUp = { type: "peer_up", peer, info: [] };
  const p = start + PER_PEER_HEADER_LENGTH;
  if (end - p < PEER_UP_FIXED_LENGTH) {
    report(ctx, "short_message", "message_discarded", p, `${end - p} octets after the per-peer header: a Peer Up needs ${PEER_UP_FIXED_LENGTH} before its OPENs`);
    return out;
  }
  const { bytes, view } = ctx;
  out.localAddress = peer.ipv6 ? bytes.slice(p, p + 16) : bytes.slice(p + 12, p + 16);
  out.localPort = view.getUint16(p + 16);
  out.remotePort = view.getUint16(p + 18);
  const sent = decodeOpen(ctx, p + PEER_UP_FIXED_LENGTH, end, "sent");
  if (!sent) return out;
  if (sent.open) out.sentOpen = sent.open;
  const received = decodeOpen(ctx, sent.end, end, "received");
  if (!received) return out;
  if (received.open) out.receivedOpen = received.open;
  out.info = decodeInfoTlvs(ctx, received.end, end, "Peer Up");
  return out;
}
