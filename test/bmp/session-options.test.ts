// OPEN capabilities and the decode options a Peer Up gives its session:
// 4-octet AS numbers when both OPENs carry capability 65, ADD-PATH per
// family when the sending side can send and the receiving side can receive.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { PeerSessions } from "../../src/bmp/peer-sessions.js";
import { familyKey } from "../../src/bmp/prefix.js";
import { DEFAULT_SESSION_OPTIONS, sessionOptionsFromPeerUp, updateOptionsFor } from "../../src/bmp/session-options.js";
import { a, basics, bgp, cap, cat, open, peerDown, peerUp, perPeer, prefix, prefixes, routeMonitoring, update, u16, u32, type PeerSpec } from "./builders.js";
import { announced, codes, decode, messageOf } from "./decode.js";
import { decodeBmpMessage } from "../../src/bmp/message-decoder.js";

const V4 = familyKey(1, 1);
const V6 = familyKey(2, 1);

function optionsOf(sent: Uint8Array, received: Uint8Array, peer: PeerSpec = {}) {
  const m = messageOf(decode(peerUp(perPeer(peer), { sent, received })), "peer_up");
  return sessionOptionsFromPeerUp(m.peer, m.sentOpen, m.receivedOpen);
}

describe("OPEN capabilities", () => {
  test("codes are listed in order and unknown ones kept by code", () => {
    const m = messageOf(decode(peerUp(perPeer(), { sent: open({ capabilities: [cap.raw(2, []), cap.fourOctetAs(65001), cap.raw(64, [0, 120])] }), received: open() })), "peer_up");
    assert.deepEqual(m.sentOpen?.capabilityCodes, [2, 65, 64]);
    assert.equal(m.receivedOpen?.fourOctetAsn, false);
    assert.deepEqual(m.receivedOpen?.capabilityCodes, []);
  });

  test("several capabilities parameters all count", () => {
    const params = cat([2, 6], cap.fourOctetAs(65001), [2, 6], cap.multiprotocol(2, 1));
    const o = bgp(1, [4], u16(65001), u16(90), u32(1), [params.length], params);
    const m = messageOf(decode(peerUp(perPeer(), { sent: o, received: open() })), "peer_up");
    assert.equal(m.sentOpen?.fourOctetAsn, true);
    assert.deepEqual(m.sentOpen?.multiprotocol, [{ afi: 2, safi: 1 }]);
  });

  test("RFC 9072 extended optional parameters", () => {
    const caps = cat(cap.fourOctetAs(4200000001), cap.addPath([2, 1, 2]));
    const params = cat([2], u16(caps.length), caps);
    const o = bgp(1, [4], u16(23456), u16(90), u32(1), [255, 255], u16(params.length), params);
    const m = messageOf(decode(peerUp(perPeer(), { sent: o, received: open() })), "peer_up");
    assert.equal(m.sentOpen?.asn, 4200000001);
    assert.deepEqual(m.sentOpen?.addPath, [{ afi: 2, safi: 1, send: true, receive: false }]);
  });

  test("a malformed capability is skipped and reported; the rest of the OPEN stands", () => {
    const d = decode(peerUp(perPeer(), { sent: open({ capabilities: [cap.raw(65, [0, 1]), cap.multiprotocol(1, 1), cap.addPath([1, 1, 9])] }), received: open() }));
    assert.deepEqual(codes(d.problems), ["bad_capability:ignored", "bad_capability:ignored"]);
    const m = messageOf(d, "peer_up");
    assert.equal(m.sentOpen?.fourOctetAsn, false);
    assert.deepEqual(m.sentOpen?.multiprotocol, [{ afi: 1, safi: 1 }]);
    assert.deepEqual(m.sentOpen?.addPath, []);
  });

  test("optional parameters that run past the OPEN make it unreadable", () => {
    const o = bgp(1, [4], u16(65001), u16(90), u32(1), [20], [2, 6]);
    const d = decode(peerUp(perPeer(), { sent: o, received: open() }));
    assert.deepEqual(codes(d.problems), ["bad_open:ignored"]);
    const m = messageOf(d, "peer_up");
    assert.equal(m.sentOpen, undefined);
    assert.ok(m.receivedOpen);
  });

  test("a bare OPEN header (FRR's placeholder when it did not keep the session's OPEN) is an absent OPEN, not a problem", () => {
    const d = decode(peerUp(perPeer(), { sent: open(), received: bgp(1) }));
    assert.deepEqual(codes(d.problems), []);
    const m = messageOf(d, "peer_up");
    assert.ok(m.sentOpen);
    assert.equal(m.receivedOpen, undefined);
    assert.equal(sessionOptionsFromPeerUp(m.peer, m.sentOpen, m.receivedOpen), DEFAULT_SESSION_OPTIONS);
  });

  test("a BGP message other than an OPEN in an OPEN's place", () => {
    const d = decode(peerUp(perPeer(), { sent: bgp(4), received: open() }));
    assert.deepEqual(codes(d.problems), ["unexpected_bgp_type:ignored"]);
    assert.ok(messageOf(d, "peer_up").receivedOpen);
  });
});

describe("session options from a Peer Up", () => {
  test("4-octet AS numbers only when both OPENs carry capability 65", () => {
    assert.equal(optionsOf(open({ capabilities: [cap.fourOctetAs(65001)] }), open({ capabilities: [cap.fourOctetAs(65002)] })).fourOctetAsn, true);
    assert.equal(optionsOf(open({ capabilities: [cap.fourOctetAs(65001)] }), open()).fourOctetAsn, false);
    assert.equal(optionsOf(open(), open({ capabilities: [cap.fourOctetAs(65002)] })).fourOctetAsn, false);
  });

  test("received routes carry path IDs when the peer can send and the router can receive", () => {
    const o = optionsOf(open({ capabilities: [cap.addPath([1, 1, 1], [2, 1, 1])] }), open({ capabilities: [cap.addPath([1, 1, 2], [2, 1, 1])] }));
    assert.deepEqual([...o.addPathReceived], [V4]);
    assert.deepEqual([...o.addPathSent], []);
  });

  test("sent routes carry path IDs when the router can send and the peer can receive", () => {
    const o = optionsOf(open({ capabilities: [cap.addPath([2, 1, 3])] }), open({ capabilities: [cap.addPath([2, 1, 1])] }));
    assert.deepEqual([...o.addPathSent], [V6]);
    assert.deepEqual([...o.addPathReceived], []);
  });

  test("ADD-PATH on one side only is not in use", () => {
    const o = optionsOf(open({ capabilities: [cap.addPath([1, 1, 3])] }), open());
    assert.deepEqual([...o.addPathReceived, ...o.addPathSent], []);
  });

  test("a Loc-RIB's fabricated OPEN: any ADD-PATH entry means path IDs, AS numbers are 4 octets", () => {
    const fabricated = open({ capabilities: [cap.addPath([1, 1, 2])] });
    const o = optionsOf(fabricated, fabricated, { type: 3, address: "0.0.0.0" });
    assert.equal(o.fourOctetAsn, true);
    assert.deepEqual([...o.addPathReceived], [V4]);
  });

  test("without a readable OPEN the defaults apply", () => {
    const m = messageOf(decode(peerUp(perPeer(), { sent: bgp(4), received: open() })), "peer_up");
    assert.equal(sessionOptionsFromPeerUp(m.peer, m.sentOpen, m.receivedOpen), DEFAULT_SESSION_OPTIONS);
  });

  test("per message: the A flag forces 2 octets; the O flag picks the sent direction", () => {
    const s = { fourOctetAsn: true, addPathReceived: new Set([V4]), addPathSent: new Set([V6]) };
    const peer = (flags: number) => messageOf(decode(peerDown(perPeer({ flags }), 4)), "peer_down").peer;
    assert.equal(updateOptionsFor(peer(0x20), s).fourOctetAsn, false);
    assert.equal(updateOptionsFor(peer(0), s).fourOctetAsn, true);
    assert.deepEqual([...updateOptionsFor(peer(0x10), s).addPath], [V6]);
    assert.deepEqual([...updateOptionsFor(peer(0x40), s).addPath], [V4]);
  });
});

describe("PeerSessions", () => {
  const addPathBoth = open({ capabilities: [cap.fourOctetAs(65001), cap.addPath([1, 1, 3])] });
  const up = peerUp(perPeer({ address: "10.77.0.2" }), { sent: addPathBoth, received: addPathBoth });
  const rm = (peer: PeerSpec) => routeMonitoring(perPeer(peer), update({ attributes: basics(), nlri: prefix("10.0.0.0/8", 4) }));

  test("Route Monitoring after a Peer Up decodes with that session's ADD-PATH, pre- and post-policy alike", () => {
    const sessions = new PeerSessions();
    sessions.observe(decodeBmpMessage(up).message!);
    for (const flags of [0, 0x40]) {
      const d = decodeBmpMessage(rm({ address: "10.77.0.2", flags }), { sessionFor: sessions.lookup });
      assert.deepEqual(announced(messageOf(d, "route_monitoring").update!), ["10.0.0.0/8#4"]);
    }
  });

  test("another peer, or the same one after its Peer Down, uses the defaults", () => {
    const sessions = new PeerSessions();
    sessions.observe(decodeBmpMessage(up).message!);
    assert.equal(sessions.lookup(messageOf(decode(rm({ address: "10.77.0.3" })), "route_monitoring").peer), undefined);
    sessions.observe(decodeBmpMessage(peerDown(perPeer({ address: "10.77.0.2" }), 4)).message!);
    assert.equal(sessions.size, 0);
    const d = decodeBmpMessage(rm({ address: "10.77.0.2" }), { sessionFor: sessions.lookup });
    assert.equal(messageOf(d, "route_monitoring").update!.outcome, "session_reset");
  });

  test("the same address under another distinguisher is another session", () => {
    const sessions = new PeerSessions();
    sessions.observe(decodeBmpMessage(up).message!);
    assert.equal(sessions.lookup(messageOf(decode(rm({ address: "10.77.0.2", type: 1, distinguisher: 7n })), "route_monitoring").peer), undefined);
  });

  test("past maxPeers the oldest session is forgotten", () => {
    const sessions = new PeerSessions({ maxPeers: 2 });
    for (const address of ["10.0.0.1", "10.0.0.2", "10.0.0.3"]) sessions.observe(decodeBmpMessage(peerUp(perPeer({ address }), { sent: open(), received: open() })).message!);
    assert.equal(sessions.size, 2);
    assert.equal(sessions.evicted, 1);
    const peer = (address: string) => messageOf(decode(rm({ address })), "route_monitoring").peer;
    assert.equal(sessions.lookup(peer("10.0.0.1")), undefined);
    assert.ok(sessions.lookup(peer("10.0.0.3")));
  });

  test("a 2-octet session from its Peer Up reads 2-octet paths", () => {
    const sessions = new PeerSessions();
    sessions.observe(decodeBmpMessage(peerUp(perPeer(), { sent: open({ capabilities: [cap.fourOctetAs(65001)] }), received: open() })).message!);
    const msg = routeMonitoring(perPeer(), update({ attributes: [a.origin(), a.asPath2([2, [65002, 65003]]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    const d = decodeBmpMessage(msg, { sessionFor: sessions.lookup });
    assert.deepEqual(d.problems, []);
    assert.deepEqual(messageOf(d, "route_monitoring").update!.attributes!.asPath, [65002, 65003]);
  });
});
