// Attribute sets are interned: prefixes announced with the same attributes
// from the same peer share one set, which lives exactly as long as a route
// refers to it.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { parseAddress } from "../../src/net/address.js";
import { prefix, rib, route, view } from "./fixtures.js";

const V = view(1, "192.0.2.1");
const at = (text: string) => parseAddress(text);

describe("RIB attribute interning", () => {
  test("two prefixes with the same attributes share one set; it goes with the last of them", () => {
    const r = rib();
    const attrs = { asPath: [64500, 64501, 64502], communities: [1, 2], largeCommunities: [1, 2, 3] };
    r.announce(V, prefix("10.1.0.0/16"), route(64502, attrs));
    r.announce(V, prefix("10.2.0.0/16"), route(64502, { ...attrs, asPath: [...attrs.asPath] }));
    assert.equal(r.summary().attributeSets, 1);
    assert.equal(r.lookup(at("10.1.0.1")), r.lookup(at("10.2.0.1")), "one set, one id");
    r.withdraw(V, prefix("10.1.0.0/16"));
    assert.equal(r.summary().attributeSets, 1);
    assert.deepEqual(r.attributes(r.lookup(at("10.2.0.1"))).asPath, [64500, 64501, 64502]);
    r.withdraw(V, prefix("10.2.0.0/16"));
    assert.equal(r.summary().attributeSets, 0);
  });

  test("any difference makes another set: origin, path, communities, large communities, peer AS, peer", () => {
    const r = rib();
    const variants = [
      route(1),
      route(2),
      route(1, { asPath: [64500, 64499, 1] }),
      route(1, { communities: [5] }),
      route(1, { largeCommunities: [5, 0, 0] }),
      route(1, { peerAs: 64501 }),
      route(1, { peerAddress: at("192.0.2.99") }),
    ];
    variants.forEach((v, i) => r.announce(V, prefix(`10.${i}.0.0/16`), v));
    assert.equal(r.summary().attributeSets, variants.length);
    r.announce(view(1, "192.0.2.2"), prefix("10.100.0.0/16"), route(1));
    assert.equal(r.summary().attributeSets, variants.length + 1, "the same attributes from another peer");
  });

  test("replacing a route releases its old set", () => {
    const r = rib();
    r.announce(V, prefix("10.1.0.0/16"), route(1));
    r.announce(V, prefix("10.1.0.0/16"), route(2));
    assert.equal(r.summary().attributeSets, 1);
    assert.equal(r.attributes(r.lookup(at("10.1.0.1"))).origin, 2);
  });

  test("sets survive heavy churn intact (freed records are compacted away under live ones)", () => {
    const r = rib();
    const communities = Array.from({ length: 32 }, (_, i) => i);
    const stable = (i: number) => `10.200.${i}.0/24`;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 400; i++) r.announce(V, prefix(`10.${i >> 8}.${i & 255}.0/24`), route(round * 1000 + i, { communities }));
      // Long-lived sets in the middle of the pool: compaction has to move them.
      if (round === 0) for (let i = 0; i < 100; i++) r.announce(V, prefix(stable(i)), route(1000 + i, { communities }));
    }
    assert.equal(r.summary().attributeSets, 500);
    for (let i = 0; i < 100; i++) {
      const a = r.attributes(r.lookup(at(`10.200.${i}.1`)));
      assert.deepEqual([a.origin, a.communities], [1000 + i, communities], stable(i));
    }
    for (let i = 0; i < 400; i++) assert.equal(r.origin(r.lookup(at(`10.${i >> 8}.${i & 255}.1`))), 19_000 + i);
  });

  test("peer down releases the sets of the withdrawn routes", () => {
    const r = rib();
    r.announce(V, prefix("10.1.0.0/16"), route(1));
    r.announce(view(1, "192.0.2.2"), prefix("10.1.0.0/16"), route(2));
    r.peerDown(1, { peerAddress: at("192.0.2.1") });
    assert.equal(r.summary().attributeSets, 1);
    assert.equal(r.origin(r.lookup(at("10.1.0.1"))), 2);
  });
});
