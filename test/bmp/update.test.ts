// UPDATE decoding: prefixes of the classic fields and the MP attributes, the
// attributes a RIB keeps, the 32-entry caps, ADD-PATH, End-of-RIB.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { a, basics, cat, ip, ipText, prefix, prefixes, SEQ, SET, CONFED_SEQ, CONFED_SET, update } from "./builders.js";
import { announced, codes, decodeUpdateMessage, session, withdrawn } from "./decode.js";
import { toMapped16 } from "../../src/bmp/mapped-address.js";
import { formatAddress } from "../../src/net/address.js";

describe("IPv4 unicast in the classic fields", () => {
  test("withdrawn routes and NLRI become routes of family ipv4", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ withdrawn: prefixes("198.51.100.0/24"), attributes: basics(), nlri: prefixes("203.0.113.0/25", "10.0.0.0/8", "0.0.0.0/0") }));
    assert.deepEqual(problems, []);
    assert.equal(u.outcome, "applied");
    assert.deepEqual(withdrawn(u), ["198.51.100.0/24"]);
    assert.deepEqual(announced(u), ["203.0.113.0/25", "10.0.0.0/8", "0.0.0.0/0"]);
    assert.ok(u.announced.every((r) => r.family === "ipv4" && r.prefix.length === 4));
  });

  test("announced routes carry the NEXT_HOP", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(65002), a.nextHop("192.0.2.77")], nlri: prefixes("10.0.0.0/8") }));
    assert.equal(ipText(u.announced[0].nextHop!), "192.0.2.77");
  });

  test("bits past the prefix length are zeroed", () => {
    // 10.1.255.0/17 on the wire: the third octet's low 7 bits are noise.
    const { update: u } = decodeUpdateMessage(update({ attributes: basics(), nlri: [17, 10, 1, 0xff] }));
    assert.deepEqual(announced(u), ["10.1.128.0/17"]);
  });

  test("a withdrawal-only UPDATE needs no attributes", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ withdrawn: prefixes("10.0.0.0/8", "10.1.0.0/16") }));
    assert.deepEqual(problems, []);
    assert.deepEqual(withdrawn(u), ["10.0.0.0/8", "10.1.0.0/16"]);
    assert.equal(u.attributes, undefined);
    assert.equal(u.endOfRib, undefined);
  });
});

describe("attributes", () => {
  test("ORIGIN, MED, LOCAL_PREF, ATOMIC_AGGREGATE and AGGREGATOR are decoded", () => {
    const { update: u, problems } = decodeUpdateMessage(
      update({
        attributes: [a.origin(2), a.path(65002, 65010), a.nextHop(), a.med(50), a.localPref(200), a.atomicAggregate(), a.aggregator4(4200000001, "10.9.9.9")],
        nlri: prefixes("10.0.0.0/8"),
      }),
    );
    assert.deepEqual(problems, []);
    const at = u.attributes!;
    assert.equal(at.origin, 2);
    assert.equal(at.med, 50);
    assert.equal(at.localPref, 200);
    assert.equal(at.atomicAggregate, true);
    assert.equal(at.aggregator?.asn, 4200000001);
    assert.equal(ipText(at.aggregator!.address), "10.9.9.9");
  });

  test("the AS path is flat and the origin is its last AS", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([SEQ, [65002, 64512]], [SEQ, [4200000000]]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(u.attributes!.asPath, [65002, 64512, 4200000000]);
    assert.equal(u.attributes!.originAsn, 4200000000);
    assert.equal(u.attributes!.originAsSet, false);
  });

  test("a path ending in an AS_SET has origin 0 and originAsSet", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([SEQ, [65002]], [SET, [64600, 64601]]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(u.attributes!.asPath, [65002, 64600, 64601]);
    assert.equal(u.attributes!.originAsn, 0);
    assert.equal(u.attributes!.originAsSet, true);
  });

  test("a path ending in an AS_CONFED_SET is just as ambiguous", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([CONFED_SET, [65100, 65101]]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.equal(u.attributes!.originAsn, 0);
    assert.equal(u.attributes!.originAsSet, true);
  });

  test("confederation segments are part of the flat path", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([CONFED_SEQ, [65100, 65101]], [SEQ, [65002, 65003]]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(u.attributes!.asPath, [65100, 65101, 65002, 65003]);
    assert.equal(u.attributes!.originAsn, 65003);
  });

  test("an empty AS_PATH (a route of the monitored AS) has origin 0 without originAsSet", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(problems, []);
    assert.deepEqual(u.attributes!.asPath, []);
    assert.equal(u.attributes!.originAsn, 0);
    assert.equal(u.attributes!.originAsSet, false);
  });

  test("communities are [high, low] pairs and large communities [a, b, c] triples", () => {
    const { update: u } = decodeUpdateMessage(
      update({ attributes: [...basics(), a.communities([65001, 100], [0xffff, 0xff01]), a.largeCommunities([4200000000, 1, 2], [65002, 0, 4294967295])], nlri: prefixes("10.0.0.0/8") }),
    );
    assert.deepEqual(u.attributes!.communities, [
      [65001, 100],
      [65535, 65281],
    ]);
    assert.deepEqual(u.attributes!.largeCommunities, [
      [4200000000, 1, 2],
      [65002, 0, 4294967295],
    ]);
    assert.equal(u.attributes!.truncated, false);
  });

  test("an attribute the decoder does not use is passed over", () => {
    const originatorId = cat([0x80, 9, 4], ip("10.0.0.9"));
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [originatorId, ...basics()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["10.0.0.0/8"]);
  });

  test("an extended-length attribute reads like a short one", () => {
    const longPath = Array.from({ length: 70 }, (_, i) => 64512 + i); // 282 octets: extended length
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([SEQ, longPath]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(problems, []);
    assert.equal(u.attributes!.originAsn, 64512 + 69);
  });
});

describe("the 32-entry caps", () => {
  test("a long AS path keeps its first 32 ASes, is marked truncated, and keeps the real origin", () => {
    const path = Array.from({ length: 40 }, (_, i) => 65000 + i);
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([SEQ, path]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(u.attributes!.asPath, path.slice(0, 32));
    assert.equal(u.attributes!.originAsn, 65039);
    assert.equal(u.attributes!.truncated, true);
  });

  test("exactly 32 ASes is not truncated", () => {
    const path = Array.from({ length: 32 }, (_, i) => 65000 + i);
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.origin(), a.asPath4([SEQ, path]), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.equal(u.attributes!.asPath.length, 32);
    assert.equal(u.attributes!.truncated, false);
  });

  test("communities and large communities are cut at 32 too", () => {
    const many = Array.from({ length: 33 }, (_, i): [number, number] => [65001, i]);
    const { update: u } = decodeUpdateMessage(update({ attributes: [...basics(), a.communities(...many)], nlri: prefixes("10.0.0.0/8") }));
    assert.equal(u.attributes!.communities.length, 32);
    assert.deepEqual(u.attributes!.communities[31], [65001, 31]);
    assert.equal(u.attributes!.truncated, true);

    const large = Array.from({ length: 40 }, (_, i): [number, number, number] => [65001, i, i]);
    const { update: v } = decodeUpdateMessage(update({ attributes: [...basics(), a.largeCommunities(...large)], nlri: prefixes("10.0.0.0/8") }));
    assert.equal(v.attributes!.largeCommunities.length, 32);
    assert.equal(v.attributes!.truncated, true);
  });
});

describe("MP_REACH_NLRI and MP_UNREACH_NLRI", () => {
  test("IPv6 unicast announcements take the MP next hop", () => {
    const { update: u, problems } = decodeUpdateMessage(
      update({ attributes: [a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8:100::/48", "2001:db8:200::/40")), a.origin(), a.path(65002)] }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["2001:db8:100::/48", "2001:db8:200::/40"]);
    assert.ok(u.announced.every((r) => r.family === "ipv6" && r.prefix.length === 16));
    assert.equal(ipText(u.announced[0].nextHop!), "2001:db8::1");
  });

  test("a 32-octet next hop (global and link-local) gives the global address", () => {
    const nh = cat(ip("2001:db8::1"), ip("fe80::1"));
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.mpReach(2, 1, nh, prefixes("2001:db8::/32")), a.origin(), a.path(65002)] }));
    assert.deepEqual(problems, []);
    assert.equal(ipText(u.announced[0].nextHop!), "2001:db8::1");
  });

  test("IPv6 unicast withdrawals", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.mpUnreach(2, 1, prefixes("2001:db8:100::/48"))] }));
    assert.deepEqual(problems, []);
    assert.deepEqual(withdrawn(u), ["2001:db8:100::/48"]);
  });

  test("IPv4 unicast in MP_REACH, with an IPv4 or an IPv6 (RFC 8950) next hop", () => {
    for (const nh of ["192.0.2.9", "2001:db8::9"]) {
      const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.mpReach(1, 1, ip(nh), prefixes("10.0.0.0/8")), a.origin(), a.path(65002)] }));
      assert.deepEqual(problems, []);
      assert.deepEqual(announced(u), ["10.0.0.0/8"]);
      assert.equal(u.announced[0].family, "ipv4");
      assert.equal(ipText(u.announced[0].nextHop!), nh);
    }
  });

  test("IPv4 unicast in MP_UNREACH", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.mpUnreach(1, 1, prefixes("10.0.0.0/8", "192.0.2.0/24"))] }));
    assert.deepEqual(withdrawn(u), ["10.0.0.0/8", "192.0.2.0/24"]);
  });

  test("the NLRI field and MP_REACH in one UPDATE: each route has its own next hop", () => {
    const { update: u } = decodeUpdateMessage(
      update({ attributes: [a.origin(), a.path(65002), a.nextHop("192.0.2.2"), a.mpReach(2, 1, ip("2001:db8::2"), prefixes("2001:db8::/32"))], nlri: prefixes("10.0.0.0/8") }),
    );
    assert.deepEqual(announced(u), ["10.0.0.0/8", "2001:db8::/32"]);
    assert.deepEqual(u.announced.map((r) => ipText(r.nextHop!)), ["192.0.2.2", "2001:db8::2"]);
  });

  test("other families (VPNv4, IPv4 multicast, EVPN) are skipped and reported as skipped, not as problems", () => {
    const vpn = a.mpReach(1, 128, [...new Array(8).fill(0), ...ip("192.0.2.1")], [0x70, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 10, 0]);
    for (const [mp, afi, safi] of [
      [vpn, 1, 128],
      [a.mpReach(1, 2, ip("192.0.2.1"), prefixes("232.0.0.0/8")), 1, 2],
      [a.mpUnreach(25, 70, [2, 5, 1, 2, 3, 4, 5]), 25, 70],
    ] as const) {
      const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(65002), mp] }));
      assert.deepEqual(problems, []);
      assert.equal(u.outcome, "applied");
      assert.deepEqual(u.announced, []);
      assert.deepEqual(u.withdrawn, []);
      assert.equal(u.skippedFamilies.length, 1);
      assert.equal(u.skippedFamilies[0].afi, afi);
      assert.equal(u.skippedFamilies[0].safi, safi);
    }
  });

  test("a skipped family next to IPv4 NLRI leaves the IPv4 routes alone", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [...basics(), a.mpReach(2, 2, ip("2001:db8::1"), prefixes("ff00::/8"))], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(announced(u), ["10.0.0.0/8"]);
    assert.deepEqual(u.skippedFamilies, [{ afi: 2, safi: 2, attribute: "mp_reach" }]);
  });
});

describe("End-of-RIB (RFC 4724)", () => {
  test("an empty UPDATE is IPv4 unicast End-of-RIB", () => {
    const { update: u, problems } = decodeUpdateMessage(update());
    assert.deepEqual(problems, []);
    assert.deepEqual(u.endOfRib, { afi: 1, safi: 1 });
  });

  test("a lone empty MP_UNREACH_NLRI is End-of-RIB for its family", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.mpUnreach(2, 1, [])] }));
    assert.deepEqual(u.endOfRib, { afi: 2, safi: 1 });
  });

  test("an UPDATE with routes is not End-of-RIB", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: basics(), nlri: prefixes("10.0.0.0/8") }));
    assert.equal(u.endOfRib, undefined);
  });
});

describe("ADD-PATH (RFC 7911)", () => {
  const withIds = cat(prefix("10.0.0.0/8", 1), prefix("10.0.0.0/8", 2));

  test("when negotiated for IPv4 unicast, prefixes carry their path IDs", () => {
    const s = session({ addPathReceived: [[1, 1]] });
    const { update: u, problems } = decodeUpdateMessage(update({ withdrawn: prefix("192.0.2.0/24", 7), attributes: basics(), nlri: withIds }), { session: s });
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["10.0.0.0/8#1", "10.0.0.0/8#2"]);
    assert.deepEqual(withdrawn(u), ["192.0.2.0/24#7"]);
  });

  test("when negotiated for IPv6 unicast, MP prefixes carry path IDs and IPv4 ones do not", () => {
    const s = session({ addPathReceived: [[2, 1]] });
    const v6 = cat(prefix("2001:db8::/32", 9));
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [...basics(), a.mpReach(2, 1, ip("2001:db8::1"), v6)], nlri: prefixes("10.0.0.0/8") }), { session: s });
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["10.0.0.0/8", "2001:db8::/32#9"]);
  });

  test("when not negotiated, the same octets do not parse as prefixes: the NLRI is malformed", () => {
    // Read without path IDs, 00 00 00 01 08 0a ... is a run of short prefixes that ends one octet short.
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: basics(), nlri: withIds }));
    assert.equal(u.outcome, "session_reset");
    assert.deepEqual(codes(problems), ["bad_nlri:session_reset"]);
  });

  test("the sent direction's families apply to Adj-RIB-Out (O flag) messages", () => {
    const s = session({ addPathSent: [[1, 1]] });
    const { update: out } = decodeUpdateMessage(update({ attributes: basics(), nlri: prefix("10.0.0.0/8", 3) }), { session: s, peer: { flags: 0x10 } });
    assert.deepEqual(announced(out), ["10.0.0.0/8#3"]);
    const { update: inbound } = decodeUpdateMessage(update({ attributes: basics(), nlri: prefixes("10.0.0.0/8") }), { session: s });
    assert.deepEqual(announced(inbound), ["10.0.0.0/8"]);
  });
});

describe("lengths", () => {
  test("a prefix of length 32 and an IPv6 /128 are fine; the field octet counts are exact", () => {
    const { update: u, problems } = decodeUpdateMessage(
      update({ attributes: [a.origin(), a.path(65002), a.nextHop(), a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8::1/128"))], nlri: prefixes("192.0.2.1/32") }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["192.0.2.1/32", "2001:db8::1/128"]);
  });
});

describe("addresses in rfm's 16-octet form", () => {
  test("toMapped16 maps IPv4 into ::ffff:0:0/96 and leaves IPv6 alone", () => {
    assert.equal(formatAddress(toMapped16(ip("192.0.2.1"))), "192.0.2.1");
    assert.deepEqual([...toMapped16(ip("192.0.2.1")).subarray(0, 12)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
    assert.equal(formatAddress(toMapped16(ip("2001:db8::1"))), "2001:db8::1");
  });
});
