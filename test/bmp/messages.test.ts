// Every BMP message type (RFC 7854 section 4, RFC 9069), and the per-peer
// header in front of most of them.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { bgp, bmp, cap, cat, ipText, notification, open, peerDown, peerUp, perPeer, routeMirroring, stats, termination, initiation, tlv, u16, u32, u64 } from "./builders.js";
import { codes, decode, messageOf } from "./decode.js";

describe("the common header", () => {
  test("is returned with every decoded message", () => {
    const msg = initiation(tlv(2, "r1"));
    assert.deepEqual(decode(msg).header, { version: 3, length: msg.length, type: 4 });
  });

  test("fewer than 6 octets: short_message, nothing decoded", () => {
    const d = decode(Uint8Array.of(3, 0, 0, 0));
    assert.equal(d.header, undefined);
    assert.deepEqual(codes(d.problems), ["short_message:message_discarded"]);
  });

  test("a version other than 3: bad_version, nothing decoded", () => {
    const msg = initiation(tlv(2, "r1"));
    msg[0] = 1;
    const d = decode(msg);
    assert.equal(d.message, undefined);
    assert.deepEqual(codes(d.problems), ["bad_version:message_discarded"]);
  });

  test("a length that differs from the octets given is reported; extra octets are not read", () => {
    const msg = cat(initiation(tlv(2, "r1")), [0, 0, 0]);
    const d = decode(msg);
    assert.deepEqual(codes(d.problems), ["length_mismatch:ignored"]);
    assert.equal(messageOf(d, "initiation").sysName, "r1");
  });

  test("an undefined message type: unknown_message_type", () => {
    const d = decode(bmp(9, [1, 2, 3]));
    assert.equal(d.message, undefined);
    assert.deepEqual(codes(d.problems), ["unknown_message_type:message_discarded"]);
  });

  test("a per-peer message too short for its per-peer header", () => {
    const d = decode(bmp(0, perPeer().subarray(0, 41)));
    assert.equal(d.message, undefined);
    assert.deepEqual(codes(d.problems), ["short_message:message_discarded"]);
  });
});

describe("the per-peer header", () => {
  test("fields of an IPv4 peer", () => {
    const d = decode(routeMirroring(perPeer({ type: 1, distinguisher: 0x0000fde9_00000064n, address: "192.0.2.9", asn: 4200000000, bgpId: "10.0.0.9", seconds: 1700000001, micros: 250 })));
    const p = messageOf(d, "route_mirroring").peer;
    assert.equal(p.peerType, 1);
    assert.equal(p.distinguisher, 0x0000fde9_00000064n);
    assert.equal(ipText(p.address), "192.0.2.9");
    assert.equal(p.ipv6, false);
    assert.equal(p.asn, 4200000000);
    assert.equal(p.bgpId, 0x0a000009);
    assert.equal(p.timestampSeconds, 1700000001);
    assert.equal(p.timestampMicros, 250);
  });

  test("the V, L, A and O flags", () => {
    const p = messageOf(decode(routeMirroring(perPeer({ flags: 0xf0, address: "2001:db8::9" }))), "route_mirroring").peer;
    assert.equal(p.flags, 0xf0);
    assert.equal(p.ipv6, true);
    assert.equal(ipText(p.address), "2001:db8::9");
    assert.equal(p.postPolicy, true);
    assert.equal(p.legacyAsPath, true);
    assert.equal(p.adjRibOut, true);
    assert.equal(p.filtered, false);
    const q = messageOf(decode(routeMirroring(perPeer({ flags: 0x40 }))), "route_mirroring").peer;
    assert.deepEqual([q.ipv6, q.postPolicy, q.legacyAsPath, q.adjRibOut], [false, true, false, false]);
  });

  test("a Loc-RIB peer (type 3) reads the top flag as F and nothing else", () => {
    const p = messageOf(decode(routeMirroring(perPeer({ type: 3, flags: 0xf0, address: "0.0.0.0" }))), "route_mirroring").peer;
    assert.equal(p.peerType, 3);
    assert.equal(p.filtered, true);
    assert.deepEqual([p.ipv6, p.postPolicy, p.legacyAsPath, p.adjRibOut], [false, false, false, false]);
  });
});

describe("Initiation and Termination", () => {
  test("Initiation: sysDescr, sysName and strings", () => {
    const d = decode(initiation(tlv(1, "FRRouting 8.4.4"), tlv(2, "bgpA"), tlv(0, "hello"), tlv(0, "again"), tlv(77, [1, 2])));
    assert.deepEqual(d.problems, []);
    const m = messageOf(d, "initiation");
    assert.equal(m.sysDescr, "FRRouting 8.4.4");
    assert.equal(m.sysName, "bgpA");
    assert.deepEqual(m.strings, ["hello", "again"]);
    assert.deepEqual(
      m.info.map((t) => t.type),
      [1, 2, 0, 0, 77],
    );
  });

  test("an Initiation TLV that runs past the message ends the list", () => {
    const d = decode(initiation(tlv(2, "bgpA"), [0, 1, 0, 50, 65]));
    assert.deepEqual(codes(d.problems), ["tlv_overrun:ignored"]);
    assert.equal(messageOf(d, "initiation").sysName, "bgpA");
    assert.equal(messageOf(d, "initiation").sysDescr, undefined);
  });

  test("Termination: reason and string", () => {
    const d = decode(termination(tlv(0, "maintenance"), tlv(1, u16(2))));
    assert.deepEqual(d.problems, []);
    const m = messageOf(d, "termination");
    assert.equal(m.reason, 2);
    assert.deepEqual(m.strings, ["maintenance"]);
  });

  test("a Termination reason that is not 2 octets is reported", () => {
    const d = decode(termination(tlv(1, [0, 0, 1])));
    assert.deepEqual(codes(d.problems), ["bad_tlv_length:ignored"]);
    assert.equal(messageOf(d, "termination").reason, undefined);
  });
});

describe("Peer Up", () => {
  const sent = open({ asn: 65001, bgpId: "10.77.0.1", capabilities: [cap.multiprotocol(1, 1), cap.fourOctetAs(65001), cap.addPath([1, 1, 3])] });
  const received = open({ asn: 23456, bgpId: "10.77.0.2", holdTime: 180, capabilities: [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(4200000002)] });

  test("addresses, ports, both OPENs and info TLVs", () => {
    const d = decode(peerUp(perPeer({ address: "10.77.0.2" }), { local: "10.77.0.1", localPort: 179, remotePort: 51234, sent, received, info: [tlv(0, "up")] }));
    assert.deepEqual(d.problems, []);
    const m = messageOf(d, "peer_up");
    assert.equal(ipText(m.localAddress!), "10.77.0.1");
    assert.equal(m.localPort, 179);
    assert.equal(m.remotePort, 51234);
    assert.equal(m.sentOpen?.asn, 65001);
    assert.equal(m.sentOpen?.bgpId, 0x0a4d0001);
    assert.deepEqual(m.sentOpen?.addPath, [{ afi: 1, safi: 1, send: true, receive: true }]);
    assert.equal(m.receivedOpen?.myAsn, 23456);
    assert.equal(m.receivedOpen?.asn, 4200000002);
    assert.equal(m.receivedOpen?.holdTime, 180);
    assert.deepEqual(m.receivedOpen?.multiprotocol, [
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ]);
    assert.deepEqual(m.info, [{ type: 0, value: new TextEncoder().encode("up") }]);
  });

  test("an IPv6 peer has a 16-octet local address", () => {
    const m = messageOf(decode(peerUp(perPeer({ flags: 0x80, address: "2001:db8::2" }), { local: "2001:db8::1", sent, received })), "peer_up");
    assert.equal(ipText(m.localAddress!), "2001:db8::1");
  });

  test("a body cut after the ports keeps the per-peer header and reports the OPEN", () => {
    const full = peerUp(perPeer(), { sent, received });
    const cut = full.slice(0, 6 + 42 + 20 + 10);
    new DataView(cut.buffer).setUint32(1, cut.length);
    const d = decode(cut);
    const m = messageOf(d, "peer_up");
    assert.equal(m.peer.asn, 65002);
    assert.equal(m.sentOpen, undefined);
    assert.deepEqual(codes(d.problems), ["bad_bgp_header:ignored"]);
  });

  test("a body too short for the addresses still gives the peer", () => {
    const d = decode(bmp(3, perPeer(), new Uint8Array(10)));
    assert.equal(messageOf(d, "peer_up").peer.asn, 65002);
    assert.deepEqual(codes(d.problems), ["short_message:message_discarded"]);
  });
});

describe("Peer Down", () => {
  test("reasons 1 and 3 carry a NOTIFICATION", () => {
    for (const reason of [1, 3]) {
      const d = decode(peerDown(perPeer(), reason, notification(6, 2, [0xaa])));
      assert.deepEqual(d.problems, []);
      const m = messageOf(d, "peer_down");
      assert.equal(m.reason, reason);
      assert.deepEqual(m.notification, { code: 6, subcode: 2, data: Uint8Array.of(0xaa) });
    }
  });

  test("reason 2 carries an FSM event code", () => {
    const m = messageOf(decode(peerDown(perPeer(), 2, u16(24))), "peer_down");
    assert.equal(m.fsmEvent, 24);
  });

  test("reasons 4 and 5 carry nothing", () => {
    for (const reason of [4, 5]) {
      const d = decode(peerDown(perPeer(), reason));
      assert.deepEqual(d.problems, []);
      assert.equal(messageOf(d, "peer_down").reason, reason);
    }
  });

  test("reason 6 (RFC 9069) carries information TLVs", () => {
    const m = messageOf(decode(peerDown(perPeer({ type: 3 }), 6, tlv(3, "global"))), "peer_down");
    assert.equal(m.reason, 6);
    assert.deepEqual(m.info, [{ type: 3, value: new TextEncoder().encode("global") }]);
  });

  test("a body that does not fit its reason is reported and the peer kept", () => {
    const cases: [Uint8Array, string][] = [
      [peerDown(perPeer(), 9), "bad_peer_down_reason:ignored"],
      [peerDown(perPeer(), 2, [1]), "bad_peer_down_reason:ignored"],
      [peerDown(perPeer(), 1, bgp(4)), "unexpected_bgp_type:ignored"],
      [peerDown(perPeer(), 3, [0xff, 0xff]), "bad_bgp_header:ignored"],
      [peerDown(perPeer(), 4, [1]), "trailing_bytes:ignored"],
      [bmp(2, perPeer()), "short_message:ignored"],
    ];
    for (const [msg, code] of cases) {
      const d = decode(msg);
      assert.deepEqual(codes(d.problems), [code]);
      assert.equal(messageOf(d, "peer_down").peer.asn, 65002);
    }
  });
});

describe("Statistics Report", () => {
  test("32-bit counters, 64-bit gauges and per-AFI/SAFI gauges", () => {
    const d = decode(
      stats(perPeer(), [
        [0, u32(5)],
        [7, u64(123456789012n)],
        [9, [...u16(2), 1, ...u64(77n)]],
        [13, u32(1)],
      ]),
    );
    assert.deepEqual(d.problems, []);
    assert.deepEqual(messageOf(d, "statistics_report").stats, [
      { type: 0, value: 5n },
      { type: 7, value: 123456789012n },
      { type: 9, value: 77n, afi: 2, safi: 1 },
      { type: 13, value: 1n },
    ]);
  });

  test("an 8-octet value for a type defined as 32-bit is read at its length", () => {
    const m = messageOf(decode(stats(perPeer(), [[11, u64(3n)]])), "statistics_report");
    assert.deepEqual(m.stats, [{ type: 11, value: 3n }]);
  });

  test("unknown stat types are skipped by length, not reported as problems", () => {
    const d = decode(stats(perPeer(), [[65531, [1, 2, 3, 4, 5, 6, 7, 8, 9]], [8, u64(10n)]]));
    assert.deepEqual(d.problems, []);
    const m = messageOf(d, "statistics_report");
    assert.deepEqual(m.skippedTypes, [65531]);
    assert.deepEqual(m.stats, [{ type: 8, value: 10n }]);
  });

  test("a known type of an impossible length, a count that disagrees, a TLV past the end", () => {
    assert.deepEqual(codes(decode(stats(perPeer(), [[0, [1, 2]]])).problems), ["bad_tlv_length:ignored"]);
    assert.deepEqual(codes(decode(stats(perPeer(), [[0, u32(1)]], 3)).problems), ["stat_count_mismatch:ignored"]);
    const overrun = decode(bmp(1, perPeer(), u32(1), [0, 7, 0, 8, 1, 2]));
    assert.deepEqual(codes(overrun.problems), ["tlv_overrun:ignored", "stat_count_mismatch:ignored"]);
  });

  test("a report without its count", () => {
    const d = decode(bmp(1, perPeer(), [0, 0]));
    assert.deepEqual(codes(d.problems), ["short_message:message_discarded"]);
    assert.deepEqual(messageOf(d, "statistics_report").stats, []);
  });
});

describe("Route Mirroring and Route Monitoring framing", () => {
  test("Route Mirroring is recognised and its TLVs are not decoded", () => {
    const d = decode(routeMirroring(perPeer(), tlv(0, bgp(2, u16(0), u16(0))), tlv(1, u16(0))));
    assert.deepEqual(d.problems, []);
    assert.equal(messageOf(d, "route_mirroring").peer.asn, 65002);
  });

  test("Route Monitoring must carry an UPDATE", () => {
    const d = decode(bmp(0, perPeer(), open()));
    assert.deepEqual(codes(d.problems), ["unexpected_bgp_type:message_discarded"]);
    assert.equal(messageOf(d, "route_monitoring").update, undefined);
  });

  test("a BGP marker that is not all ones", () => {
    const upd = bgp(2, u16(0), u16(0));
    upd[3] = 0;
    const d = decode(bmp(0, perPeer(), upd));
    assert.deepEqual(codes(d.problems), ["bad_bgp_header:message_discarded"]);
  });

  test("a BGP length beyond the BMP message, or below 19", () => {
    const long = bgp(2, u16(0), u16(0));
    long[17] = 40;
    assert.deepEqual(codes(decode(bmp(0, perPeer(), long)).problems), ["bad_bgp_header:message_discarded"]);
    const short = bgp(2, u16(0), u16(0));
    short[17] = 18;
    assert.deepEqual(codes(decode(bmp(0, perPeer(), short)).problems), ["bad_bgp_header:message_discarded"]);
  });

  test("octets after the UPDATE are reported and the UPDATE still decoded", () => {
    const d = decode(bmp(0, perPeer(), bgp(2, u16(0), u16(0)), [0, 0]));
    assert.deepEqual(codes(d.problems), ["trailing_bytes:ignored"]);
    assert.deepEqual(messageOf(d, "route_monitoring").update?.endOfRib, { afi: 1, safi: 1 });
  });
});
