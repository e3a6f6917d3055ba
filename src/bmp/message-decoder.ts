// Decodes one whole BMP message (as BmpFramer returns them). Never throws and
// never reads out of bounds: every problem becomes a typed BmpProblem, and
// whatever is still decodable is decoded.
import { newContext, report, type DecodeContext } from "./context.js";
import { decodeInitiation, decodeTermination } from "./initiation.js";
import type { BmpCommonHeader, BmpMessage } from "./messages.js";
import { decodePeerDown } from "./peer-down.js";
import { decodePeerUp } from "./peer-up.js";
import { decodePerPeerHeader, type PerPeerHeader } from "./per-peer-header.js";
import type { BmpProblem } from "./problem.js";
import { decodeRouteMonitoring } from "./route-monitoring.js";
import type { SessionOptions } from "./session-options.js";
import { decodeStatisticsReport } from "./statistics-report.js";
import { BMP_VERSION, COMMON_HEADER_LENGTH, MessageType, PER_PEER_HEADER_LENGTH } from "./wire.js";

export interface BmpDecodeOptions {
  /**
   * The decode options of a peer's session, from its Peer Up (see
   * PeerSessions). Without them, or for a peer not known, Route Monitoring is
   * read with 4-octet AS numbers unless the A flag is set, and no ADD-PATH.
   */
  sessionFor?: (peer: PerPeerHeader) => SessionOptions | undefined;
}

export interface DecodedBmpMessage {
  /** Absent when fewer than 6 octets were given or the version is not 3. */
  header?: BmpCommonHeader;
  /** Absent when nothing usable could be decoded (see problems). */
  message?: BmpMessage;
  problems: BmpProblem[];
}

const WITH_PEER_HEADER = new Set<number>([
  MessageType.RouteMonitoring,
  MessageType.StatisticsReport,
  MessageType.PeerDown,
  MessageType.PeerUp,
  MessageType.RouteMirroring,
]);

export function decodeBmpMessage(bytes: Uint8Array, opts: BmpDecodeOptions = {}): DecodedBmpMessage {
  const ctx = newContext(bytes);
  if (bytes.length < COMMON_HEADER_LENGTH) {
    report(ctx, "short_message", "message_discarded", 0, `${bytes.length} octets: the common header needs ${COMMON_HEADER_LENGTH}`);
    return { problems: ctx.problems };
  }
  const header: BmpCommonHeader = { version: bytes[0], length: ctx.view.getUint32(1), type: bytes[5] };
  if (header.version !== BMP_VERSION) {
    report(ctx, "bad_version", "message_discarded", 0, `version ${header.version}, not ${BMP_VERSION}`);
    return { problems: ctx.problems };
  }
  let end = bytes.length;
  if (header.length !== bytes.length) {
    report(ctx, "length_mismatch", "ignored", 1, `header says ${header.length} octets, ${bytes.length} given`);
    if (header.length >= COMMON_HEADER_LENGTH && header.length < end) end = header.length;
  }
  let message: BmpMessage | undefined;
  try {
    message = decodeBody(ctx, header.type, end, opts);
  } catch (e) {
    // Not reachable by design; kept so a decoder bug cannot take the collector down.
    report(ctx, "internal_error", "message_discarded", 0, `decoder bug: ${(e as Error)?.message ?? String(e)}`);
  }
  return message ? { header, message, problems: ctx.problems } : { header, problems: ctx.problems };
}

function decodeBody(ctx: DecodeContext, type: number, end: number, opts: BmpDecodeOptions): BmpMessage | undefined {
  const start = COMMON_HEADER_LENGTH;
  if (WITH_PEER_HEADER.has(type) && end - start < PER_PEER_HEADER_LENGTH) {
    report(ctx, "short_message", "message_discarded", start, `${end - start} octets after the common header: the per-peer header needs ${PER_PEER_HEADER_LENGTH}`);
    return undefined;
  }
  switch (type) {
    case MessageType.RouteMonitoring:
      return decodeRouteMonitoring(ctx, start, end, opts.sessionFor);
    case MessageType.StatisticsReport:
      return decodeStatisticsReport(ctx, start, end);
    case MessageType.PeerDown:
      return decodePeerDown(ctx, start, end);
    case MessageType.PeerUp:
      return decodePeerUp(ctx, start, end);
    case MessageType.Initiation:
      return decodeInitiation(ctx, start, end);
    case MessageType.Termination:
      return decodeTermination(ctx, start, end);
    case MessageType.RouteMirroring:
      return { type: "route_mirroring", peer: decodePerPeerHeader(ctx, start) };
    default:
      report(ctx, "unknown_message_type", "message_discarded", 5, `message type ${type} is not defined`);
      return undefined;
  }
}
