// Longest-prefix match: the most specific covering prefix labels an address,
// in both families, at every length from /1 to /32 and /128; withdrawing a
// more specific prefix hands its addresses back to the covering one; a default
// route never labels anything.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { parseAddress } from "../../src/net/address.js";
import { originAt, prefix, rib, route, view } from "./fixtures.js";

const V = view(1, "192.0.2.1");

describe("RIB longest-prefix match", () => {
  test("nested IPv4 prefixes: each address takes its most specific cover", () => {
    const r = rib();
    r.announce(V, prefix("10.0.0.0/8"), route(8));
    r.announce(V, prefix("10.1.0.0/16"), route(16));
    r.announce(V, prefix("10.1.2.0/24"), route(24));
    r.announce(V, prefix("10.1.2.128/25"), route(25));
    r.announce(V, prefix("10.1.2.200/32"), route(32));
    assert.equal(originAt(r, "10.200.0.1"), 8);
    assert.equal(originAt(r, "10.1.255.255"), 16);
    assert.equal(originAt(r, "10.1.2.0"), 24);
    assert.equal(originAt(r, "10.1.2.127"), 24);
    assert.equal(originAt(r, "10.1.2.128"), 25);
    assert.equal(originAt(r, "10.1.2.200"), 32);
    assert.equal(originAt(r, "10.1.2.201"), 25);
    assert.equal(originAt(r, "11.0.0.0"), null);
    assert.equal(originAt(r, "9.255.255.255"), null);
  });

  test("a less specific prefix announced after more specific ones does not cover them", () => {
    const r = rib();
    r.announce(V, prefix("10.1.2.0/24"), route(24));
    r.announce(V, prefix("10.1.2.7/32"), route(32));
    r.announce(V, prefix("10.0.0.0/8"), route(8));
    r.announce(V, prefix("10.1.0.0/16"), route(16));
    assert.equal(originAt(r, "10.1.2.7"), 32);
    assert.equal(originAt(r, "10.1.2.8"), 24);
    assert.equal(originAt(r, "10.1.3.1"), 16);
    assert.equal(originAt(r, "10.2.0.0"), 8);
  });

  test("withdrawing a more specific prefix restores the covering route, level by level", () => {
    const r = rib();
    for (const [p, o] of [["10.0.0.0/8", 8], ["10.1.0.0/16", 16], ["10.1.2.0/23", 23], ["10.1.2.128/25", 25], ["10.1.2.130/32", 32]] as const) {
      r.announce(V, prefix(p), route(o));
    }
    assert.equal(r.withdraw(V, prefix("10.1.2.130/32")), true);
    assert.equal(originAt(r, "10.1.2.130"), 25);
    r.withdraw(V, prefix("10.1.2.128/25"));
    assert.equal(originAt(r, "10.1.2.130"), 23);
    assert.equal(originAt(r, "10.1.3.9"), 23);
    r.withdraw(V, prefix("10.1.2.0/23"));
    assert.equal(originAt(r, "10.1.2.130"), 16);
    r.withdraw(V, prefix("10.1.0.0/16"));
    assert.equal(originAt(r, "10.1.2.130"), 8);
    r.withdraw(V, prefix("10.0.0.0/8"));
    assert.equal(originAt(r, "10.1.2.130"), null);
    assert.deepEqual(r.summary().prefixes, { ipv4: 0, ipv6: 0 });
  });

  test("withdrawing a covering prefix leaves its more specifics and falls back to the next cover", () => {
    const r = rib();
    r.announce(V, prefix("10.0.0.0/8"), route(8));
    r.announce(V, prefix("10.1.0.0/16"), route(16));
    r.announce(V, prefix("10.1.2.0/24"), route(24));
    r.withdraw(V, prefix("10.1.0.0/16"));
    assert.equal(originAt(r, "10.1.2.3"), 24);
    assert.equal(originAt(r, "10.1.3.3"), 8);
  });

  test("IPv6: nested prefixes down to /128, and withdrawal restores the cover", () => {
    const r = rib();
    r.announce(V, prefix("2001:db8::/32"), route(32));
    r.announce(V, prefix("2001:db8:1::/48"), route(48));
    r.announce(V, prefix("2001:db8:1:2::/63"), route(63));
    r.announce(V, prefix("2001:db8:1:2::5/128"), route(128));
    assert.equal(originAt(r, "2001:db8:1:2::5"), 128);
    assert.equal(originAt(r, "2001:db8:1:2::6"), 63);
    assert.equal(originAt(r, "2001:db8:1:3:ffff::"), 63);
    assert.equal(originAt(r, "2001:db8:1:4::"), 48);
    assert.equal(originAt(r, "2001:db8:ffff::1"), 32);
    assert.equal(originAt(r, "2001:db9::"), null);
    r.withdraw(V, prefix("2001:db8:1:2::5/128"));
    assert.equal(originAt(r, "2001:db8:1:2::5"), 63);
    r.withdraw(V, prefix("2001:db8:1:2::/63"));
    r.withdraw(V, prefix("2001:db8:1::/48"));
    assert.equal(originAt(r, "2001:db8:1:2::5"), 32);
  });

  test("IPv6: a deep prefix reached over skipped bits does not capture addresses that differ in them", () => {
    const r = rib();
    r.announce(V, prefix("2001:db8::/32"), route(32));
    r.announce(V, prefix("2001:db8::5/128"), route(128));
    assert.equal(originAt(r, "2001:db8::5"), 128);
    // Same last 4 bits (the node's own), a difference in each word of the skipped stretch.
    for (const other of ["2001:db8:0:1::5", "2001:db8::1:0:0:5", "2001:db8::1:5", "2001:db8::15"]) {
      assert.equal(originAt(r, other), 32, other);
    }
  });

  test("IPv6: prefixes that part inside a skipped stretch split it, and merge back when withdrawn", () => {
    const r = rib();
    r.announce(V, prefix("2001:db8::/32"), route(32));
    r.announce(V, prefix("2001:db8:1234:5600::/56"), route(56));
    r.announce(V, prefix("2001:db8:1234:5678::/64"), route(64));
    r.announce(V, prefix("2001:db8:1234::/48"), route(48));
    r.announce(V, prefix("2001:db8:1200::/40"), route(40));
    assert.equal(originAt(r, "2001:db8:1234:5678::1"), 64);
    assert.equal(originAt(r, "2001:db8:1234:5679::1"), 56);
    assert.equal(originAt(r, "2001:db8:1234:5700::1"), 48);
    assert.equal(originAt(r, "2001:db8:1235::1"), 40);
    assert.equal(originAt(r, "2001:db8:1300::1"), 32);
    const nodes = r.summary().trieNodes.ipv6;
    r.withdraw(V, prefix("2001:db8:1234:5600::/56"));
    r.withdraw(V, prefix("2001:db8:1234::/48"));
    assert.equal(originAt(r, "2001:db8:1234:5678::1"), 64);
    assert.equal(originAt(r, "2001:db8:1234:5679::1"), 40);
    assert.ok(r.summary().trieNodes.ipv6 < nodes, "emptied nodes are merged away");
    for (const p of ["2001:db8:1234:5678::/64", "2001:db8:1200::/40", "2001:db8::/32"]) r.withdraw(V, prefix(p));
    assert.deepEqual(r.summary().trieNodes, { ipv4: 0, ipv6: 0 });
  });

  test("short prefixes in both families (/1 .. /15 expand over the root)", () => {
    const r = rib();
    r.announce(V, prefix("128.0.0.0/1"), route(1));
    r.announce(V, prefix("2000::/3"), route(3));
    assert.equal(originAt(r, "200.1.2.3"), 1);
    assert.equal(originAt(r, "100.1.2.3"), null);
    assert.equal(originAt(r, "2a00::1"), 3);
    assert.equal(originAt(r, "4000::1"), null);
  });

  test("a default route (0.0.0.0/0, ::/0) is kept but never labels a flow", () => {
    const r = rib();
    assert.equal(r.announce(V, prefix("0.0.0.0/0"), route(1)), true);
    assert.equal(r.announce(V, prefix("::/0"), route(2)), true);
    assert.deepEqual(r.summary().prefixes, { ipv4: 1, ipv6: 1 });
    assert.equal(originAt(r, "8.8.8.8"), null);
    assert.equal(originAt(r, "2001:db8::1"), null);
    r.announce(V, prefix("8.0.0.0/8"), route(8));
    r.withdraw(V, prefix("8.0.0.0/8"));
    assert.equal(originAt(r, "8.8.8.8"), null, "withdrawal does not fall back to the default");
  });

  test("IPv4 addresses never match IPv6 prefixes, even ::/8 or ::ffff:0:0/96 itself", () => {
    const r = rib();
    r.announce(V, prefix("::/8"), route(6));
    assert.equal(originAt(r, "10.0.0.1"), null);
    assert.equal(originAt(r, "::1"), 6);
  });

  test("host bits of an announced prefix are ignored", () => {
    const r = rib();
    r.announce(V, prefix("10.1.2.3/16"), route(16));
    assert.equal(originAt(r, "10.1.200.1"), 16);
    assert.equal(r.withdraw(V, prefix("10.1.0.0/16")), true);
    assert.equal(originAt(r, "10.1.200.1"), null);
  });

  test("the flow table's key words give the same answer as the bytes", () => {
    const r = rib();
    r.announce(V, prefix("10.1.0.0/16"), route(16));
    r.announce(V, prefix("2001:db8::/32"), route(32));
    for (const text of ["10.1.2.3", "2001:db8::77", "10.2.0.0", "::1"]) {
      const bytes = parseAddress(text);
      const keys = new Uint32Array(11); // a flow key: address words sit at offsets 2 and 6
      new Uint8Array(keys.buffer).set(bytes, 6 * 4);
      assert.equal(r.lookupWords(keys, 6), r.lookup(bytes), text);
    }
    assert.notEqual(r.lookup(parseAddress("10.1.2.3")), -1);
  });

  test("lookup reads an address at an offset inside a larger buffer", () => {
    const r = rib();
    r.announce(V, prefix("192.0.2.0/24"), route(24));
    const buf = new Uint8Array(40);
    buf.set(parseAddress("192.0.2.9"), 20);
    assert.equal(r.origin(r.lookup(buf, 20)), 24);
    assert.equal(r.lookup(buf, 0), -1);
  });

  test("lookupDetail names the prefix, the attributes and the view", () => {
    const r = rib();
    r.announce(V, prefix("10.0.0.0/8"), route(8));
    r.announce(V, prefix("10.1.2.0/24"), route(0, { asPath: [64500, 64501], communities: [0xfde80001], largeCommunities: [64500, 1, 2], pathId: 3 }));
    const d = r.lookupDetail(parseAddress("10.1.2.3"))!;
    assert.equal(d.prefix, "10.1.2.0/24");
    assert.equal(d.origin, 0);
    assert.equal(d.originUnknown, true);
    assert.deepEqual(d.asPath, [64500, 64501]);
    assert.deepEqual(d.communities, [0xfde80001]);
    assert.deepEqual(d.largeCommunities, [[64500, 1, 2]]);
    assert.equal(d.truncated, false);
    assert.equal(d.peerAddress, "192.0.2.1");
    assert.equal(d.peerAs, 64500);
    assert.equal(d.pathId, 3);
    assert.deepEqual(d.view, { session: 1, speaker: "r1", peerAddress: "192.0.2.1", distinguisher: 0n, postPolicy: true, routes: 2, stale: false });
    assert.equal(r.lookupDetail(parseAddress("10.9.9.9"))!.prefix, "10.0.0.0/8");
    assert.equal(r.lookupDetail(parseAddress("11.0.0.1")), null);
  });
});
