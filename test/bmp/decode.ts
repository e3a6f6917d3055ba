// Shortcuts the tests share for decoding and for stating what came out.
import * as assert from "node:assert/strict";
import { decodeBmpMessage, type DecodedBmpMessage } from "../../src/bmp/message-decoder.js";
import type { DecodedUpdate } from "../../src/bmp/bgp-update.js";
import type { BmpMessage } from "../../src/bmp/messages.js";
import type { BmpProblem } from "../../src/bmp/problem.js";
import type { SessionOptions } from "../../src/bmp/session-options.js";
import { familyKey } from "../../src/bmp/prefix.js";
import { perPeer, routeMonitoring, routeText, type PeerSpec } from "./builders.js";

export function decode(bytes: Uint8Array, session?: SessionOptions): DecodedBmpMessage {
  return decodeBmpMessage(bytes, session ? { sessionFor: () => session } : {});
}

/** The decoded message, which must be of the given type. */
export function messageOf<T extends BmpMessage["type"]>(d: DecodedBmpMessage, type: T): Extract<BmpMessage, { type: T }> {
  assert.ok(d.message, `no message; problems: ${JSON.stringify(d.problems)}`);
  assert.equal(d.message.type, type);
  return d.message as Extract<BmpMessage, { type: T }>;
}

/** Wraps a BGP UPDATE in Route Monitoring and decodes it. */
export function decodeUpdateMessage(bgpUpdate: Uint8Array, o: { session?: SessionOptions; peer?: PeerSpec } = {}): { update: DecodedUpdate; problems: BmpProblem[] } {
  const d = decode(routeMonitoring(perPeer(o.peer), bgpUpdate), o.session);
  const rm = messageOf(d, "route_monitoring");
  assert.ok(rm.update, `no update; problems: ${JSON.stringify(d.problems)}`);
  return { update: rm.update, problems: d.problems };
}

export const codes = (problems: BmpProblem[]) => problems.map((p) => `${p.code}:${p.action}`);
export const announced = (u: DecodedUpdate) => u.announced.map(routeText);
export const withdrawn = (u: DecodedUpdate) => u.withdrawn.map(routeText);

export function session(o: { fourOctetAsn?: boolean; addPathReceived?: [number, number][]; addPathSent?: [number, number][] } = {}): SessionOptions {
  return {
    fourOctetAsn: o.fourOctetAsn ?? true,
    addPathReceived: new Set((o.addPathReceived ?? []).map(([afi, safi]) => familyKey(afi, safi))),
    addPathSent: new Set((o.addPathSent ?? []).map(([afi, safi]) => familyKey(afi, safi))),
  };
}
