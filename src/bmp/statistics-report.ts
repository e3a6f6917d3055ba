// Statistics Report (RFC 7854 section 4.8, RFC 8671): counters and gauges per
// peer. Values are read by their length (some speakers send 8-octet values
// for types RFC 7854 defines as 32-bit); unknown types are skipped by length.
import { report, type DecodeContext } from "./context.js";
import type { StatCounter, StatisticsReport } from "./messages.js";
import { decodePerPeerHeader } from "./per-peer-header.js";
import { PER_PEER_HEADER_LENGTH, TLV_HEADER_LENGTH } from "./wire.js";

/** Highest stat type known: RFC 7854 defines 0-13, RFC 8671 adds 14-17. */
const MAX_KNOWN_STAT_TYPE = 17;
/** Types whose value is AFI (2), SAFI (1) and a 64-bit gauge. */
const PER_FAMILY_TYPES = new Set([9, 10, 16, 17]);

export function decodeStatisticsReport(ctx: DecodeContext, start: number, end: number): StatisticsReport {
  const { view } = ctx;
  const peer = decodePerPeerHeader(ctx, start);
  const out: StatisticsReport = { type: "statistics_report", peer, stats: [], skippedTypes: [] };
  let p = start + PER_PEER_HEADER_LENGTH;
  if (end - p < 4) {
    report(ctx, "short_message", "message_discarded", p, "a Statistics Report without its count");
    return out;
  }
  const count = view.getUint32(p);
  p += 4;
  let seen = 0;
  while (p < end) {
    if (end - p < TLV_HEADER_LENGTH) {
      report(ctx, "tlv_overrun", "ignored", p, `${end - p} octets left: too few for a stat header`);
      break;
    }
    const type = view.getUint16(p);
    const length = view.getUint16(p + 2);
    const v = p + TLV_HEADER_LENGTH;
    if (v + length > end) {
      report(ctx, "tlv_overrun", "ignored", p, `stat type ${type} of ${length} octets runs ${v + length - end} past the message`);
      break;
    }
    seen++;
    p = v + length;
    if (type > MAX_KNOWN_STAT_TYPE) {
      out.skippedTypes.push(type);
      continue;
    }
    const stat = readStat(ctx, type, v, length);
    if (stat) out.stats.push(stat);
    else report(ctx, "bad_tlv_length", "ignored", v - TLV_HEADER_LENGTH, `stat type ${type} cannot be ${length} octets`);
  }
  if (seen !== count) report(ctx, "stat_count_mismatch", "ignored", start + PER_PEER_HEADER_LENGTH, `count says ${count} stats, ${seen} are there`);
  return out;
}

function readStat(ctx: DecodeContext, type: number, at: number, length: number): StatCounter | undefined {
  const { view } = ctx;
  if (PER_FAMILY_TYPES.has(type)) {
    if (length !== 11) return undefined;
    return { type, value: view.getBigUint64(at + 3), afi: view.getUint16(at), safi: ctx.bytes[at + 2] };
  }
  if (length === 4) return { type, value: BigInt(view.getUint32(at)) };
  if (length === 8) return { type, value: view.getBigUint64(at) };
  return undefined;
}
