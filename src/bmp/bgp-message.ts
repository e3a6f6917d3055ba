// The BGP message header (RFC 4271 section 4.1) of a message BMP carries.
import { report, type DecodeContext } from "./context.js";
import type { ProblemAction } from "./problem.js";
import { BGP_HEADER_LENGTH, BGP_MARKER_LENGTH } from "./wire.js";

export interface BgpMessageBounds {
  type: number;
  /** Offset of the first octet after the 19-octet header. */
  bodyStart: number;
  /** Offset just past the message (start + its length). */
  end: number;
}

/**
 * The BGP message at start, which must end by limit. Reports (with action:
 * what losing this BGP message means for the BMP message) and returns
 * undefined when the header is cut short, the marker is not all ones, or the
 * length is below 19 or runs past limit.
 */
export function readBgpMessage(ctx: DecodeContext, start: number, limit: number, where: string, action: ProblemAction): BgpMessageBounds | undefined {
  const { bytes, view } = ctx;
  if (limit - start < BGP_HEADER_LENGTH) {
    report(ctx, "bad_bgp_header", action, start, `${Math.max(0, limit - start)} octets for the ${where}: a BGP header needs ${BGP_HEADER_LENGTH}`);
    return undefined;
  }
  for (let i = 0; i < BGP_MARKER_LENGTH; i++) {
    if (bytes[start + i] !== 0xff) {
      report(ctx, "bad_bgp_header", action, start + i, `the ${where}'s marker is not all ones`);
      return undefined;
    }
  }
  const length = view.getUint16(start + BGP_MARKER_LENGTH);
  if (length < BGP_HEADER_LENGTH) {
    report(ctx, "bad_bgp_header", action, start + BGP_MARKER_LENGTH, `the ${where}'s length ${length} is below ${BGP_HEADER_LENGTH}`);
    return undefined;
  }
  if (start + length > limit) {
    report(ctx, "bad_bgp_header", action, start + BGP_MARKER_LENGTH, `the ${where}'s length ${length} runs ${start + length - limit} octets past the BMP message`);
    return undefined;
  }
  return { type: bytes[start + BGP_MARKER_LENGTH + 2], bodyStart: start + BGP_HEADER_LENGTH, end: start + length };
}
