// Which route serves a prefix held by several views: post-policy beats
// pre-policy, then the lower peer address (IPv4 peers before IPv6 peers,
// numeric within a family), then the lower peer distinguisher; within a view
// the lowest ADD-PATH id. Order of arrival never matters.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { parseAddress } from "../../src/net/address.js";
import type { ViewKey } from "../../src/rib/rib.js";
import { originAt, prefix, rib, route, view } from "./fixtures.js";

const P = prefix("203.0.113.0/24");
const AT = "203.0.113.1";

/** Announces P from each view (origin = index + 1) in the given order; returns the winner's origin. Every view's distinguisher labels. */
function winner(views: ViewKey[], order: number[]): number | null {
  const r = rib({ labelDistinguishers: views.map((v) => v.distinguisher ?? 0n) });
  for (const i of order) r.announce(views[i]!, P, route(i + 1));
  return originAt(r, AT);
}

function bothOrders(views: ViewKey[], expected: number): void {
  assert.equal(winner(views, views.map((_, i) => i)), expected);
  assert.equal(winner(views, views.map((_, i) => views.length - 1 - i)), expected);
}

describe("RIB best route across views", () => {
  test("post-policy beats pre-policy, even from a higher peer address", () => {
    bothOrders([view(1, "192.0.2.1", { post: false }), view(1, "192.0.2.200", { post: true })], 2);
  });

  test("then the lowest peer address, compared numerically", () => {
    bothOrders([view(1, "192.0.2.20"), view(1, "192.0.2.3"), view(1, "10.255.0.1")], 3);
  });

  test("IPv4 peers come before IPv6 peers, even ::1", () => {
    bothOrders([view(1, "::1"), view(1, "255.255.255.255")], 2);
  });

  test("IPv6 peers compare numerically", () => {
    bothOrders([view(1, "2001:db8::10"), view(1, "2001:db8::9"), view(1, "fe80::1")], 2);
  });

  test("then the lowest peer distinguisher (unsigned 64-bit)", () => {
    bothOrders([view(1, "192.0.2.1", { rd: 2n ** 63n }), view(1, "192.0.2.1", { rd: 7n }), view(1, "192.0.2.1", { rd: 9n })], 2);
  });

  test("withdrawing the best hands the prefix to the next view in order", () => {
    const views = [view(1, "192.0.2.1", { post: false }), view(1, "192.0.2.2"), view(1, "192.0.2.1")];
    const r = rib();
    views.forEach((v, i) => r.announce(v, P, route(i + 1)));
    assert.equal(originAt(r, AT), 3);
    r.withdraw(views[2]!, P);
    assert.equal(originAt(r, AT), 2);
    r.withdraw(views[1]!, P);
    assert.equal(originAt(r, AT), 1);
    r.withdraw(views[0]!, P);
    assert.equal(originAt(r, AT), null);
  });

  test("a better-ranked view that appears later takes over the prefixes it announces", () => {
    const r = rib();
    const worse = view(1, "192.0.2.9");
    const better = view(1, "192.0.2.1");
    r.announce(worse, P, route(9));
    assert.equal(originAt(r, AT), 9);
    r.announce(better, P, route(1));
    assert.equal(originAt(r, AT), 1);
    assert.deepEqual(r.views().map((v) => v.peerAddress), ["192.0.2.1", "192.0.2.9"]);
  });

  test("ADD-PATH: a view keeps one route per path id and serves the lowest", () => {
    const r = rib();
    const v = view(1, "192.0.2.1");
    r.announce(v, P, route(5, { pathId: 5 }));
    r.announce(v, P, route(2, { pathId: 2 }));
    r.announce(v, P, route(9, { pathId: 9 }));
    assert.equal(r.summary().routes, 3);
    assert.equal(originAt(r, AT), 2);
    assert.equal(r.lookupDetail(parseAddress(AT))!.pathId, 2);
    r.withdraw(v, P, 2);
    assert.equal(originAt(r, AT), 5);
    assert.equal(r.withdraw(v, P, 2), false, "already gone");
  });

  test("ADD-PATH path ids only order routes within a view, never across views", () => {
    const r = rib();
    r.announce(view(1, "192.0.2.2"), P, route(2, { pathId: 0 }));
    r.announce(view(1, "192.0.2.1"), P, route(1, { pathId: 99 }));
    assert.equal(originAt(r, AT), 1);
  });

  test("re-announcing the same (view, prefix, path id) replaces the route in place", () => {
    const r = rib();
    const v = view(1, "192.0.2.1");
    r.announce(v, P, route(1));
    r.announce(v, P, route(2));
    assert.equal(originAt(r, AT), 2);
    assert.equal(r.summary().routes, 1);
  });

  test("a replaced non-best route stays behind the best", () => {
    const r = rib();
    r.announce(view(1, "192.0.2.1"), P, route(1));
    r.announce(view(1, "192.0.2.2"), P, route(2));
    r.announce(view(1, "192.0.2.2"), P, route(3));
    assert.equal(originAt(r, AT), 1);
    r.withdraw(view(1, "192.0.2.1"), P);
    assert.equal(originAt(r, AT), 3);
  });

  test("the longest prefix wins before any view rule", () => {
    const r = rib();
    r.announce(view(1, "192.0.2.1"), prefix("203.0.0.0/16"), route(16));
    r.announce(view(1, "192.0.2.9", { post: false }), P, route(24));
    assert.equal(originAt(r, AT), 24);
  });
});
