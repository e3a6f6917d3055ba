// Bounds: past maxRoutes new routes are refused (replacing one still works),
// past maxViews a new view is refused, lists past 32 entries are cut and
// flagged, malformed input is dropped; each is counted and nothing throws.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { parseAddress } from "../../src/net/address.js";
import { Rib } from "../../src/rib/rib.js";
import { clock, originAt, prefix, rib, route, view } from "./fixtures.js";

const V = view(1, "192.0.2.1");
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe("RIB limits and counters", () => {
  test("the defaults are 8,388,608 routes and 1024 views", () => {
    const r = new Rib();
    assert.equal(r.maxRoutes, 8_388_608);
    assert.equal(r.maxViews, 1024);
    assert.equal(r.staleViewMs, 300_000);
  });

  test("past maxRoutes a new route is refused and counted; replacing and re-adding after a withdrawal work", () => {
    const r = rib({ maxRoutes: 3 });
    for (let i = 1; i <= 3; i++) assert.equal(r.announce(V, prefix(`10.${i}.0.0/16`), route(i)), true);
    assert.equal(r.announce(V, prefix("10.4.0.0/16"), route(4)), false);
    assert.equal(r.announce(view(1, "192.0.2.2"), prefix("10.1.0.0/16"), route(4)), false, "a second route to a known prefix counts too");
    assert.equal(r.announce(V, prefix("10.1.0.0/16", ), route(4, { pathId: 1 })), false, "another path id is another route");
    assert.equal(r.counters.routesRejected, 3);
    assert.equal(r.announce(V, prefix("10.1.0.0/16"), route(11)), true, "a replacement is not a new route");
    assert.equal(originAt(r, "10.1.0.1"), 11);
    assert.equal(originAt(r, "10.4.0.1"), null);
    assert.deepEqual([r.summary().routes, r.summary().prefixes.ipv4, r.summary().attributeSets], [3, 3, 3], "nothing of the refused routes stays");
    r.withdraw(V, prefix("10.3.0.0/16"));
    assert.equal(r.announce(V, prefix("10.4.0.0/16"), route(4)), true);
    assert.equal(r.counters.routesRejected, 3);
  });

  test("past maxViews a new view is refused and counted; existing views go on", () => {
    const r = rib({ maxViews: 2 });
    assert.equal(r.announce(view(1, "192.0.2.1"), prefix("10.1.0.0/16"), route(1)), true);
    assert.equal(r.announce(view(1, "192.0.2.1", { post: false }), prefix("10.1.0.0/16"), route(1)), true);
    assert.equal(r.announce(view(1, "192.0.2.2"), prefix("10.2.0.0/16"), route(2)), false);
    assert.equal(r.counters.viewsRejected, 1);
    assert.equal(r.announce(view(1, "192.0.2.1"), prefix("10.3.0.0/16"), route(3)), true);
    r.peerDown(1, { peerAddress: parseAddress("192.0.2.1") });
    assert.equal(r.announce(view(1, "192.0.2.2"), prefix("10.2.0.0/16"), route(2)), true, "slots come back with peer down");
    assert.equal(r.summary().views, 1);
  });

  test("at maxViews a view of an open session evicts the stale view of the session that ended first", () => {
    const c = clock();
    const r = new Rib({ maxViews: 2, now: c.now });
    // A speaker whose BMP session keeps dropping before its routes can be replaced.
    for (const [session, origin] of [[1, 1], [2, 2]] as const) {
      r.sessionOpened(session, "r1");
      r.announce(view(session, "192.0.2.1"), prefix(`10.${origin}.0.0/16`), route(origin));
      c.advance(1000);
      r.sessionEnded(session);
    }
    r.sessionOpened(3, "r1");
    assert.equal(r.announce(view(3, "192.0.2.9"), prefix("10.3.0.0/16"), route(3)), true, "the live view gets a slot");
    assert.deepEqual([r.counters.viewsRejected, r.counters.viewsEvicted], [0, 1]);
    assert.equal(originAt(r, "10.1.0.1"), null, "the oldest stale copy made room");
    assert.equal(originAt(r, "10.2.0.1"), 2, "the newer stale copy still serves");
    assert.equal(originAt(r, "10.3.0.1"), 3);
  });

  test("AS paths, communities and large communities keep 32 entries; the cut is flagged and counted", () => {
    const r = rib();
    r.announce(V, prefix("10.1.0.0/16"), route(7, { asPath: range(33), communities: range(33), largeCommunities: range(33 * 3) }));
    const d = r.lookupDetail(parseAddress("10.1.0.1"))!;
    assert.deepEqual(d.asPath, range(32));
    assert.equal(d.origin, 7, "the origin is kept apart from the cut path");
    assert.deepEqual(d.communities, range(32));
    assert.equal(d.largeCommunities.length, 32);
    assert.deepEqual(d.largeCommunities[31], [94, 95, 96]);
    assert.equal(d.truncated, true);
    assert.deepEqual(
      [r.counters.asPathsTruncated, r.counters.communitiesTruncated, r.counters.largeCommunitiesTruncated],
      [1, 1, 1],
    );
    r.announce(V, prefix("10.2.0.0/16"), route(7, { asPath: range(100) }));
    assert.equal(r.counters.asPathsTruncated, 2, "one count per announcement, however long");
  });

  test("exactly 32 entries are kept whole and not flagged", () => {
    const r = rib();
    r.announce(V, prefix("10.1.0.0/16"), route(7, { asPath: range(32), communities: range(32), largeCommunities: range(96) }));
    const d = r.lookupDetail(parseAddress("10.1.0.1"))!;
    assert.equal(d.truncated, false);
    assert.deepEqual([d.asPath.length, d.communities.length, d.largeCommunities.length], [32, 32, 32]);
    assert.equal(r.counters.asPathsTruncated + r.counters.communitiesTruncated + r.counters.largeCommunitiesTruncated, 0);
  });

  test("malformed prefixes and peer addresses are dropped and counted, without throwing", () => {
    const r = rib();
    const bad = [
      { address: parseAddress("10.0.0.0"), length: 33 },
      { address: parseAddress("2001:db8::"), length: 129 },
      { address: parseAddress("10.0.0.0"), length: -1 },
      { address: parseAddress("10.0.0.0"), length: 8.5 },
      { address: new Uint8Array(4), length: 8 },
    ];
    for (const p of bad) assert.equal(r.announce(V, p, route(1)), false);
    assert.equal(r.withdraw(V, bad[0]!), false);
    assert.equal(r.announce({ ...V, peerAddress: new Uint8Array(4) }, prefix("10.0.0.0/8"), route(1)), false);
    assert.equal(r.counters.invalidInputs, 7);
    assert.equal(r.summary().routes, 0);
    assert.equal(r.summary().views, 0);
    assert.equal(r.lookupDetail(new Uint8Array(3)), null);
  });

  test("withdrawing what is not there is a no-op, not an error", () => {
    const r = rib();
    assert.equal(r.withdraw(V, prefix("10.0.0.0/8")), false);
    assert.equal(r.summary().views, 0, "a withdrawal creates no view");
    r.announce(V, prefix("10.0.0.0/8"), route(1));
    assert.equal(r.withdraw(V, prefix("10.0.0.0/9")), false);
    assert.equal(r.withdraw(V, prefix("10.0.0.0/8"), 1), false);
    assert.equal(originAt(r, "10.0.0.1"), 1);
    assert.deepEqual(Object.values(r.counters).filter((n) => n !== 0), []);
  });
});
