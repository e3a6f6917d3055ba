// Builders shared by the RIB tests: a settable clock, view keys and routes
// from text, and lookups that answer with origins.
import { parseAddress } from "../../src/net/address.js";
import { parsePrefix, type Prefix } from "../../src/rib/prefix.js";
import { Rib, type Route, type ViewKey } from "../../src/rib/rib.js";
import type { RibOptions } from "../../src/rib/limits.js";

export const MINUTE = 60_000;

export function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A RIB with session 1 of speaker "r1" open. */
export function rib(opts: RibOptions = {}): Rib {
  const r = new Rib(opts);
  r.sessionOpened(1, "r1");
  return r;
}

export function view(session: number, peer: string, opts: { post?: boolean; rd?: bigint } = {}): ViewKey {
  return { session, peerAddress: parseAddress(peer), distinguisher: opts.rd ?? 0n, postPolicy: opts.post ?? true };
}

export function route(origin: number, extra: Partial<Route> = {}): Route {
  return { origin, asPath: [64500, origin], peerAs: 64500, ...extra };
}

export const prefix = (text: string): Prefix => parsePrefix(text);

/** Origin ASN of the route labelling `address`, or null when nothing matches. */
export function originAt(r: Rib, address: string): number | null {
  const ref = r.lookup(parseAddress(address));
  return ref < 0 ? null : r.origin(ref);
}
