// The BGP NOTIFICATION (RFC 4271 section 4.5) a Peer Down may carry.
import { readBgpMessage } from "./bgp-message.js";
import { report, type DecodeContext } from "./context.js";
import { BgpMessageType } from "./wire.js";

export interface BgpNotification {
  code: number;
  subcode: number;
  /** A copy of the data octets. */
  data: Uint8Array;
}

/** The NOTIFICATION message at start, ending by limit; undefined (reported) if it is not one. */
export function decodeNotification(ctx: DecodeContext, start: number, limit: number): { notification: BgpNotification; end: number } | undefined {
  const msg = readBgpMessage(ctx, start, limit, "NOTIFICATION", "ignored");
  if (!msg) return undefined;
  if (msg.type !== BgpMessageType.Notification) {
    report(ctx, "unexpected_bgp_type", "ignored", start, `BGP message type ${msg.type} where a NOTIFICATION belongs`);
    return undefined;
  }
  if (msg.end - msg.bodyStart < 2) {
    report(ctx, "bad_bgp_header", "ignored", start, "a NOTIFICATION without its error code and subcode");
    return undefined;
  }
  const { bytes } = ctx;
  return {
    notification: { code: bytes[msg.bodyStart], subcode: bytes[msg.bodyStart + 1], data: bytes.slice(msg.bodyStart + 2, msg.end) },
    end: msg.end,
  };
}
