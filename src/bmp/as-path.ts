// AS_PATH and AS4_PATH segments (RFC 4271 section 4.3, RFC 5065, RFC 6793),
// their RFC 7606 section 7.2 checks, and the RFC 6793 section 4.2.3 rebuild of
// a 2-octet path from AS4_PATH.
import { SegmentType } from "./wire.js";

export interface AsPathSegment {
  type: number;
  asns: number[];
}

/**
 * The segments from start to end with AS numbers of width octets, or the
 * reason the path is malformed: an unknown segment type, a zero-length
 * segment, a segment past the end, or one octet left over.
 */
export function parseAsPath(bytes: Uint8Array, view: DataView, start: number, end: number, width: 2 | 4): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let p = start;
  while (p < end) {
    if (end - p < 2) return "one octet left after the last segment";
    const type = bytes[p];
    const count = bytes[p + 1];
    if (type < SegmentType.AsSet || type > SegmentType.AsConfedSet) return `segment type ${type} is not defined`;
    if (count === 0) return "a segment of length 0";
    const next = p + 2 + count * width;
    if (next > end) return `a ${count}-AS segment needs ${count * width} octets, ${end - p - 2} are left`;
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) asns[i] = width === 4 ? view.getUint32(p + 2 + i * 4) : view.getUint16(p + 2 + i * 2);
    segments.push({ type, asns });
    p = next;
  }
  return segments;
}

export function isConfed(segment: AsPathSegment): boolean {
  return segment.type === SegmentType.AsConfedSequence || segment.type === SegmentType.AsConfedSet;
}

/**
 * The path length RFC 6793 compares (RFC 4271 section 9.1.2.2 with RFC 5065):
 * a sequence counts its members, a set counts 1, confederation segments 0.
 */
export function countAsns(segments: AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === SegmentType.AsSequence) n += s.asns.length;
    else if (s.type === SegmentType.AsSet) n += 1;
  }
  return n;
}

/**
 * RFC 6793 section 4.2.3: when AS_PATH has fewer ASes than AS4_PATH, AS4_PATH
 * is ignored; otherwise the leading ASes of AS_PATH that AS4_PATH lacks are
 * put in front of it, with confederation segments that lead the path or sit
 * next to a segment that was taken. as4Path must hold no confederation
 * segments (the caller drops them first).
 */
export function mergeAs4Path(asPath: AsPathSegment[], as4Path: AsPathSegment[]): AsPathSegment[] {
  let need = countAsns(asPath) - countAsns(as4Path);
  if (need < 0) return asPath;
  const lead: AsPathSegment[] = [];
  for (const s of asPath) {
    if (isConfed(s)) {
      lead.push(s);
      continue;
    }
    if (need === 0) break;
    if (s.type === SegmentType.AsSet) {
      lead.push(s);
      need -= 1;
    } else if (s.asns.length <= need) {
      lead.push(s);
      need -= s.asns.length;
    } else {
      lead.push({ type: s.type, asns: s.asns.slice(0, need) });
      need = 0;
      break;
    }
  }
  return lead.concat(as4Path);
}
