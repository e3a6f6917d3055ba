// The AS path and aggregator a route really has: AS_PATH read at the width the
// session implies, and for a 2-octet path the 4-octet truth restored from
// AS4_PATH and AS4_AGGREGATOR (RFC 6793 sections 4.2.3 and 6).
import { isConfed, mergeAs4Path, parseAsPath, type AsPathSegment } from "./as-path.js";
import type { DecodeContext } from "./context.js";
import { flag, type CollectedAttributes, type UpdateVerdict } from "./path-attributes.js";
import { AS_TRANS, AttributeType } from "./wire.js";

export interface Aggregator {
  asn: number;
  /** 4 octets. */
  address: Uint8Array;
}

export interface EffectivePath {
  segments: AsPathSegment[];
  aggregator?: Aggregator;
}

/** undefined when there is no AS_PATH or it is malformed (reported, treat-as-withdraw). */
export function effectiveAsPath(ctx: DecodeContext, attrs: CollectedAttributes, fourOctetAsn: boolean, verdict: UpdateVerdict): EffectivePath | undefined {
  const { bytes, view } = ctx;
  const span = attrs.asPath;
  if (!span) return undefined;
  let width: 2 | 4 = fourOctetAsn ? 4 : 2;
  let parsed = parseAsPath(bytes, view, span.start, span.end, width);
  if (typeof parsed === "string") {
    // Speakers are not always right about the A flag; the other width parsing cleanly is strong evidence.
    const other: 2 | 4 = width === 4 ? 2 : 4;
    const retry = parseAsPath(bytes, view, span.start, span.end, other);
    if (typeof retry === "string") {
      flag(ctx, verdict, "bad_as_path", "treat_as_withdraw", span.offset, `AS_PATH: ${parsed}`, AttributeType.AsPath);
      return undefined;
    }
    flag(ctx, verdict, "as_path_width_guessed", "ignored", span.offset, `AS_PATH is not ${width}-octet (${parsed}) but parses as ${other}-octet`, AttributeType.AsPath);
    width = other;
    parsed = retry;
  }
  let segments = parsed;
  let aggregator = readAggregator(ctx, attrs, width, verdict);
  if (width === 4) {
    // RFC 6793 section 4.1: between NEW speakers these attributes have no business being there.
    if (attrs.as4Path) flag(ctx, verdict, "as4_from_new_speaker", "attribute_discard", attrs.as4Path.offset, "AS4_PATH with a 4-octet AS_PATH", AttributeType.As4Path);
    if (attrs.as4Aggregator) flag(ctx, verdict, "as4_from_new_speaker", "attribute_discard", attrs.as4Aggregator.offset, "AS4_AGGREGATOR with 4-octet AS numbers", AttributeType.As4Aggregator);
    return { segments, aggregator };
  }
  let as4Path = readAs4Path(ctx, attrs, verdict);
  const as4Aggregator = attrs.as4Aggregator;
  if (aggregator && as4Aggregator) {
    if (aggregator.asn !== AS_TRANS) {
      // An OLD speaker aggregated after the NEW one: both AS4 attributes are stale.
      as4Path = undefined;
    } else {
      aggregator = { asn: as4Aggregator.asn, address: as4Aggregator.address };
    }
  }
  if (as4Path) segments = mergeAs4Path(segments, as4Path);
  return { segments, aggregator };
}

function readAggregator(ctx: DecodeContext, attrs: CollectedAttributes, width: 2 | 4, verdict: UpdateVerdict): Aggregator | undefined {
  const span = attrs.aggregator;
  if (!span) return undefined;
  const length = span.end - span.start;
  if (length !== width + 4) {
    flag(ctx, verdict, "bad_aggregator", "attribute_discard", span.offset, `AGGREGATOR: length ${length}, not ${width + 4} with ${width}-octet AS numbers`, AttributeType.Aggregator);
    return undefined;
  }
  const asn = width === 4 ? ctx.view.getUint32(span.start) : ctx.view.getUint16(span.start);
  return { asn, address: ctx.bytes.slice(span.start + width, span.end) };
}

function readAs4Path(ctx: DecodeContext, attrs: CollectedAttributes, verdict: UpdateVerdict): AsPathSegment[] | undefined {
  const span = attrs.as4Path;
  if (!span) return undefined;
  const parsed = parseAsPath(ctx.bytes, ctx.view, span.start, span.end, 4);
  if (typeof parsed === "string") {
    flag(ctx, verdict, "bad_as4_path", "attribute_discard", span.offset, `AS4_PATH: ${parsed}`, AttributeType.As4Path);
    return undefined;
  }
  if (span.end === span.start) {
    // RFC 6793 section 6: an AS4_PATH shorter than one segment of one AS is malformed.
    flag(ctx, verdict, "bad_as4_path", "attribute_discard", span.offset, "AS4_PATH: empty", AttributeType.As4Path);
    return undefined;
  }
  const kept = parsed.filter((s) => !isConfed(s));
  if (kept.length !== parsed.length) {
    flag(ctx, verdict, "as4_path_confed", "ignored", span.offset, `AS4_PATH: ${parsed.length - kept.length} confederation segment(s) dropped`, AttributeType.As4Path);
  }
  return kept;
}
