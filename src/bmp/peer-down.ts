// Peer Down (RFC 7854 section 4.9, RFC 9069 section 5.3): why the session
// ended. The per-peer header is what matters to a RIB, so a body that cannot
// be read is reported and the message still returned.
import { decodeNotification } from "./bgp-notification.js";
import { report, type DecodeContext } from "./context.js";
import { decodeInfoTlvs } from "./info-tlv.js";
import type { PeerDown } from "./messages.js";
import { decodePerPeerHeader } from "./per-peer-header.js";
import { PER_PEER_HEADER_LENGTH, PeerDownReason } from "./wire.js";

export function decodePeerDown(ctx: DecodeContext, start: number, end: number): PeerDown {
  const peer = decodePerPeerHeader(ctx, start);
  const out: PeerDown = { type: "peer_down", peer, info: [] };
  const p = start + PER_PEER_HEADER_LENGTH;
  if (p >= end) {
    report(ctx, "short_message", "ignored", p, "a Peer Down without its reason");
    return out;
  }
  const reason = ctx.bytes[p];
  out.reason = reason;
  const data = p + 1;
  switch (reason) {
    case PeerDownReason.LocalNotification:
    case PeerDownReason.RemoteNotification: {
      const n = decodeNotification(ctx, data, end);
      if (!n) return out;
      out.notification = n.notification;
      if (n.end < end) report(ctx, "trailing_bytes", "ignored", n.end, `${end - n.end} octets after the NOTIFICATION`);
      return out;
    }
    case PeerDownReason.LocalNoNotification:
      if (end - data !== 2) {
        report(ctx, "bad_peer_down_reason", "ignored", data, `reason 2 needs a 2-octet FSM event code, ${end - data} octets follow`);
        return out;
      }
      out.fsmEvent = ctx.view.getUint16(data);
      return out;
    case PeerDownReason.RemoteNoData:
    case PeerDownReason.PeerDeconfigured:
      if (end > data) report(ctx, "trailing_bytes", "ignored", data, `reason ${reason} carries no data, ${end - data} octets follow`);
      return out;
    case PeerDownReason.LocalSystemClosed:
      out.info = decodeInfoTlvs(ctx, data, end, "Peer Down");
      return out;
    default:
      report(ctx, "bad_peer_down_reason", "ignored", p, `Peer Down reason ${reason} is not defined`);
      return out;
  }
}
