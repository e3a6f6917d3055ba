// Which views label flows: only those whose peer distinguisher is listed
// (default: 0, the global instance). A VRF's routes (RD instance peers, a
// VRF's Loc-RIB) are held and counted like any other, but no lookup sees
// them, so a VRF's more specific prefix cannot label global traffic.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { parseAddress } from "../../src/net/address.js";
import { parseRouteDistinguisher } from "../../src/bmp/route-distinguisher.js";
import { Rib } from "../../src/rib/rib.js";
import { clock, MINUTE, originAt, prefix, rib, route, view } from "./fixtures.js";

const VRF = parseRouteDistinguisher("65500:108");
const OTHER_VRF = parseRouteDistinguisher("192.0.2.1:7");
const GLOBAL_PEER = view(1, "192.0.2.2");
// The same router's VRF, seen through an RD instance peer: even ranked better
// (lower peer address) than the global peer, it must not win.
const VRF_PEER = view(1, "192.0.2.1", { rd: VRF });

/** The router of issue 10: the global table routes 198.51.100.0/25, the VRF 198.51.100.0/29. */
function issue10(opts: ConstructorParameters<typeof Rib>[0] = {}): Rib {
  const r = rib(opts);
  r.announce(GLOBAL_PEER, prefix("198.51.100.0/25"), route(64500));
  r.announce(VRF_PEER, prefix("198.51.100.0/29"), route(64999));
  return r;
}

describe("RIB: by default only the global instance (distinguisher 0) labels", () => {
  test("a VRF's /29 does not label: the global /25 answers for addresses inside it", () => {
    const r = issue10();
    assert.equal(originAt(r, "198.51.100.1"), 64500);
    assert.equal(r.lookupDetail(parseAddress("198.51.100.1"))?.prefix, "198.51.100.0/25");
    assert.equal(r.lookupDetail(parseAddress("198.51.100.1"))?.view.distinguisher, 0n);
  });

  test("a prefix only a VRF holds labels nothing, in either family", () => {
    const r = rib();
    r.announce(VRF_PEER, prefix("203.0.113.0/24"), route(64999));
    r.announce(VRF_PEER, prefix("2001:db8:1::/48"), route(64999));
    assert.equal(originAt(r, "203.0.113.1"), null);
    assert.equal(originAt(r, "2001:db8:1::1"), null);
    assert.equal(r.lookupDetail(parseAddress("2001:db8:1::1")), null);
    assert.deepEqual(r.summary().trieNodes, { ipv4: 0, ipv6: 0 }, "held routes build no trie");
  });

  test("a prefix both hold is the global route's, even when the VRF's view ranks better", () => {
    const r = rib();
    r.announce(VRF_PEER, prefix("198.51.100.0/25"), route(64999));
    r.announce(GLOBAL_PEER, prefix("198.51.100.0/25"), route(64500));
    assert.equal(originAt(r, "198.51.100.1"), 64500);
    r.withdraw(GLOBAL_PEER, prefix("198.51.100.0/25"));
    assert.equal(originAt(r, "198.51.100.1"), null, "the VRF's copy does not take over");
  });

  test("the VRF's routes are held and counted: routes and views include them, prefixes are those that label", () => {
    const r = issue10();
    r.announce(view(1, "192.0.2.3", { rd: OTHER_VRF }), prefix("10.0.0.0/8"), route(64998));
    r.announce(view(1, "192.0.2.3", { rd: OTHER_VRF }), prefix("2001:db8::/32"), route(64998));
    const s = r.summary();
    assert.equal(s.routes, 4);
    assert.equal(s.views, 3);
    assert.deepEqual(s.prefixes, { ipv4: 1, ipv6: 0 });
    assert.deepEqual(s.excluded, [
      { distinguisher: VRF, routes: 1 },
      { distinguisher: OTHER_VRF, routes: 2 },
    ]);
  });

  test("held routes follow their view's lifecycle: withdraw, peer down", () => {
    const r = issue10();
    r.announce(VRF_PEER, prefix("10.0.0.0/8"), route(64999));
    r.withdraw(VRF_PEER, prefix("198.51.100.0/29"));
    assert.deepEqual(r.summary().excluded, [{ distinguisher: VRF, routes: 1 }]);
    assert.equal(r.peerDown(1, { peerAddress: VRF_PEER.peerAddress, distinguisher: VRF }), 1);
    assert.deepEqual([r.summary().excluded, r.summary().routes], [[], 1]);
    assert.equal(originAt(r, "198.51.100.1"), 64500);
  });

  test("held routes of an ended session are replaced at the next session's End-of-RIB, or expire", () => {
    const c = clock();
    const r = new Rib({ now: c.now });
    r.sessionOpened(1, "r1");
    r.announce(view(1, "192.0.2.1", { rd: VRF }), prefix("10.1.0.0/16"), route(1));
    r.announce(view(1, "192.0.2.1", { rd: VRF }), prefix("10.2.0.0/16"), route(1));
    r.sessionEnded(1);
    r.sessionOpened(2, "r1");
    r.announce(view(2, "192.0.2.1", { rd: VRF }), prefix("10.1.0.0/16"), route(2));
    assert.deepEqual(r.summary().excluded, [{ distinguisher: VRF, routes: 2 }], "the re-announced prefix left the stale copy");
    r.endOfRib(view(2, "192.0.2.1", { rd: VRF }), 4);
    assert.deepEqual([r.summary().excluded, r.summary().views], [[{ distinguisher: VRF, routes: 1 }], 1]);
    r.sessionEnded(2);
    r.sessionOpened(3, "r1");
    c.advance(5 * MINUTE);
    assert.equal(r.tick(), 1);
    assert.deepEqual(r.summary().excluded, []);
  });

  test("held routes count against maxRoutes", () => {
    const r = rib({ maxRoutes: 2 });
    assert.equal(r.announce(VRF_PEER, prefix("10.1.0.0/16"), route(1)), true);
    assert.equal(r.announce(VRF_PEER, prefix("10.2.0.0/16"), route(1)), true);
    assert.equal(r.announce(GLOBAL_PEER, prefix("198.51.100.0/25"), route(64500)), false);
    assert.equal(r.counters.routesRejected, 1);
  });
});

describe("RIB: the distinguishers listed to label", () => {
  test("listing the VRF's distinguisher next to 0: its /29 labels, as the longest match across both", () => {
    const r = issue10({ labelDistinguishers: [0n, VRF] });
    assert.equal(originAt(r, "198.51.100.1"), 64999);
    assert.equal(originAt(r, "198.51.100.9"), 64500);
    const d = r.lookupDetail(parseAddress("198.51.100.1"));
    assert.deepEqual([d?.prefix, d?.view.distinguisher], ["198.51.100.0/29", VRF]);
    assert.deepEqual(r.summary().excluded, []);
    assert.deepEqual(r.summary().prefixes, { ipv4: 2, ipv6: 0 });
  });

  test("listing only a VRF leaves the global instance out", () => {
    const r = issue10({ labelDistinguishers: [VRF] });
    assert.equal(originAt(r, "198.51.100.1"), 64999);
    assert.equal(originAt(r, "198.51.100.9"), null);
    assert.deepEqual(r.summary().excluded, [{ distinguisher: 0n, routes: 1 }]);
  });
});
