// Route Monitoring (RFC 7854 section 4.6): a per-peer header and one BGP UPDATE.
import { readBgpMessage } from "./bgp-message.js";
import { decodeUpdate } from "./bgp-update.js";
import { report, type DecodeContext } from "./context.js";
import type { RouteMonitoring } from "./messages.js";
import { decodePerPeerHeader, type PerPeerHeader } from "./per-peer-header.js";
import { updateOptionsFor, type SessionOptions } from "./session-options.js";
import { BgpMessageType, PER_PEER_HEADER_LENGTH } from "./wire.js";

/**
 * start: just past the common header; the caller has checked the per-peer
 * header fits. sessionFor gives the options of the peer's session, if known.
 */
export function decodeRouteMonitoring(
  ctx: DecodeContext,
  start: number,
  end: number,
  sessionFor: ((peer: PerPeerHeader) => SessionOptions | undefined) | undefined,
): RouteMonitoring {
  const peer = decodePerPeerHeader(ctx, start);
  const msgStart = start + PER_PEER_HEADER_LENGTH;
  const msg = readBgpMessage(ctx, msgStart, end, "UPDATE", "message_discarded");
  if (!msg) return { type: "route_monitoring", peer };
  if (msg.type !== BgpMessageType.Update) {
    report(ctx, "unexpected_bgp_type", "message_discarded", msgStart, `Route Monitoring carries BGP message type ${msg.type}, not an UPDATE`);
    return { type: "route_monitoring", peer };
  }
  if (msg.end < end) report(ctx, "trailing_bytes", "ignored", msg.end, `${end - msg.end} octets after the UPDATE`);
  return { type: "route_monitoring", peer, update: decodeUpdate(ctx, msg.bodyStart, msg.end, updateOptionsFor(peer, sessionFor?.(peer))) };
}
