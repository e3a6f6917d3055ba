// Decodes one BGP UPDATE (RFC 4271 section 4.3, RFC 4760) into the routes it
// withdraws and announces, applying RFC 7606 error handling: each problem is
// reported, and the strongest action any of them calls for decides what the
// UPDATE means (applied, treat-as-withdraw, or not applied at all).
import type { DecodeContext } from "./context.js";
import { effectiveAsPath } from "./effective-as-path.js";
import type { Family } from "./bgp-open.js";
import { collectAttributes, flag, type CollectedAttributes, type UpdateVerdict } from "./path-attributes.js";
import { familyKey, readPrefixes, type AnnouncedRoute, type Route } from "./prefix.js";
import { buildRouteAttributes, type RouteAttributes } from "./route-attributes.js";
import type { UpdateOptions } from "./session-options.js";
import { Afi, AttributeType, Safi } from "./wire.js";

export type UpdateOutcome =
  /** The UPDATE is good (attribute discards aside): apply withdrawn, then announced. */
  | "applied"
  /** RFC 7606 treat-as-withdraw: announced is empty, every prefix is in withdrawn. */
  | "treat_as_withdraw"
  /** RFC 7606 session reset: nothing in the UPDATE can be trusted; both lists are empty. */
  | "session_reset";

export interface SkippedFamily extends Family {
  /** Which attribute carried it. */
  attribute: "mp_reach" | "mp_unreach";
}

export interface DecodedUpdate {
  outcome: UpdateOutcome;
  /** Withdrawn Routes field, then MP_UNREACH_NLRI (then, under treat-as-withdraw, what was announced). */
  withdrawn: Route[];
  /** NLRI field, then MP_REACH_NLRI; all share attributes. */
  announced: AnnouncedRoute[];
  /** Present when announced is not empty. */
  attributes?: RouteAttributes;
  /** MP_REACH/MP_UNREACH of families other than IPv4 and IPv6 unicast: recognised, not decoded. */
  skippedFamilies: SkippedFamily[];
  /** RFC 4724 End-of-RIB marker: an empty UPDATE (IPv4 unicast) or a lone empty MP_UNREACH_NLRI. */
  endOfRib?: Family;
}

/** The UPDATE body (after the BGP header) from start to end. Never throws. */
export function decodeUpdate(ctx: DecodeContext, start: number, end: number, opts: UpdateOptions): DecodedUpdate {
  const { bytes, view } = ctx;
  const verdict: UpdateVerdict = { action: "ignored" };
  const out: DecodedUpdate = { outcome: "applied", withdrawn: [], announced: [], skippedFamilies: [] };
  const fail = (): DecodedUpdate => ({ outcome: "session_reset", withdrawn: [], announced: [], skippedFamilies: out.skippedFamilies });

  // RFC 7606 section 3(a)-(b): lengths that do not fit leave nothing to locate the fields by.
  if (end - start < 4) {
    flag(ctx, verdict, "bad_update_lengths", "session_reset", start, `${end - start} octets: an UPDATE needs at least 4`);
    return fail();
  }
  const withdrawnLength = view.getUint16(start);
  const withdrawnEnd = start + 2 + withdrawnLength;
  if (withdrawnEnd + 2 > end) {
    flag(ctx, verdict, "bad_update_lengths", "session_reset", start, `Withdrawn Routes Length ${withdrawnLength} runs past the UPDATE`);
    return fail();
  }
  const attributesLength = view.getUint16(withdrawnEnd);
  const attributesStart = withdrawnEnd + 2;
  const attributesEnd = attributesStart + attributesLength;
  if (attributesEnd > end) {
    flag(ctx, verdict, "bad_update_lengths", "session_reset", withdrawnEnd, `Total Path Attribute Length ${attributesLength} runs past the UPDATE`);
    return fail();
  }

  // RFC 7606 section 5.3: prefixes that cannot be parsed cannot be withdrawn either.
  const ipv4Addpath = opts.addPath.has(familyKey(Afi.Ipv4, Safi.Unicast));
  const withdrawn: Route[] = [];
  const badWithdrawn = readPrefixes(bytes, view, start + 2, withdrawnEnd, "ipv4", ipv4Addpath, withdrawn);
  if (badWithdrawn) {
    flag(ctx, verdict, "bad_nlri", "session_reset", badWithdrawn.offset, `Withdrawn Routes: ${badWithdrawn.reason}`);
    return fail();
  }
  const nlri: Route[] = [];
  const badNlri = readPrefixes(bytes, view, attributesEnd, end, "ipv4", ipv4Addpath, nlri);
  if (badNlri) {
    flag(ctx, verdict, "bad_nlri", "session_reset", badNlri.offset, `NLRI: ${badNlri.reason}`);
    return fail();
  }

  const attrs = collectAttributes(ctx, attributesStart, attributesEnd, opts.addPath, verdict);
  if (attrs.mpReach && !attrs.mpReach.family) out.skippedFamilies.push({ afi: attrs.mpReach.afi, safi: attrs.mpReach.safi, attribute: "mp_reach" });
  if (attrs.mpUnreach && !attrs.mpUnreach.family) out.skippedFamilies.push({ afi: attrs.mpUnreach.afi, safi: attrs.mpUnreach.safi, attribute: "mp_unreach" });
  const mpAnnounced = attrs.mpReach?.routes ?? [];
  const mpWithdrawn = attrs.mpUnreach?.routes ?? [];
  const announcing = nlri.length > 0 || mpAnnounced.length > 0;

  // A Loc-RIB route without AS_PATH is the router's own: an empty path (see UpdateOptions.locRib).
  const path = effectiveAsPath(ctx, attrs, opts.fourOctetAsn, verdict) ?? (opts.locRib && !attrs.asPath ? { segments: [] } : undefined);
  if (announcing) checkMandatory(ctx, attrs, nlri.length > 0, attributesStart, verdict, opts.locRib === true);

  // RFC 7606 section 5.2: with nothing reachable the NLRI may have been misplaced, so only a session reset is safe.
  const reachable = nlri.length > 0 || (attrs.mpReach?.hasNlri ?? false);
  if (!reachable && attrs.anyButMpUnreach && verdict.action === "treat_as_withdraw") {
    flag(ctx, verdict, "no_nlri_with_error", "session_reset", attributesStart, "an UPDATE with attributes but no NLRI has an error stronger than attribute discard");
  }

  if (verdict.action === "session_reset") return fail();
  out.withdrawn = withdrawn.concat(mpWithdrawn);
  if (verdict.action === "treat_as_withdraw") {
    out.outcome = "treat_as_withdraw";
    out.withdrawn = out.withdrawn.concat(nlri, mpAnnounced);
    return out;
  }
  if (announcing && path) {
    for (const r of nlri) out.announced.push(withNextHop(r, attrs.nextHop));
    for (const r of mpAnnounced) out.announced.push(withNextHop(r, attrs.mpReach?.nextHop));
    out.attributes = buildRouteAttributes(ctx, attrs, path);
  }
  const eor = endOfRib(attrs, withdrawnLength, attributesLength, end, attributesEnd);
  if (eor) out.endOfRib = eor;
  return out;
}

/** Routes are fresh objects from readPrefixes, so the next hop is set in place. */
function withNextHop(route: Route, nextHop: Uint8Array | undefined): AnnouncedRoute {
  if (nextHop) (route as AnnouncedRoute).nextHop = nextHop;
  return route;
}

/** RFC 7606 section 3(d): a missing well-known mandatory attribute is treat-as-withdraw. */
function checkMandatory(ctx: DecodeContext, attrs: CollectedAttributes, hasNlriField: boolean, offset: number, verdict: UpdateVerdict, locRib: boolean): void {
  const required: [number, string][] = [[AttributeType.Origin, "ORIGIN"]];
  if (!locRib) required.push([AttributeType.AsPath, "AS_PATH"]);
  if (hasNlriField) required.push([AttributeType.NextHop, "NEXT_HOP"]);
  for (const [type, name] of required) {
    if (!attrs.seen.has(type)) flag(ctx, verdict, "missing_attribute", "treat_as_withdraw", offset, `${name} is missing from an UPDATE that announces routes`, type);
  }
}

function endOfRib(attrs: CollectedAttributes, withdrawnLength: number, attributesLength: number, end: number, attributesEnd: number): Family | undefined {
  if (withdrawnLength !== 0 || attributesEnd !== end) return undefined;
  if (attributesLength === 0) return { afi: Afi.Ipv4, safi: Safi.Unicast };
  const u = attrs.mpUnreach;
  if (u && !u.hasNlri && !attrs.anyButMpUnreach) return { afi: u.afi, safi: u.safi };
  return undefined;
}
