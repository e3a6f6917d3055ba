// Property: under any sequence of announcements, withdrawals and peer downs
// across several views, every lookup agrees with a naive model (a list of
// routes, a linear scan for the longest covering prefix, the selection rules
// written out as a fixed order of the views, among the views whose peer
// distinguisher labels), and so do the counts of prefixes, routes (those
// held for distinguishers that do not label, too) and shared attribute sets.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { formatAddress, isV4Mapped } from "../../src/net/address.js";
import { Rib, type ViewKey } from "../../src/rib/rib.js";
import { route, view } from "./fixtures.js";

// The views, and their order under the rules (post before pre, IPv4 peer
// before IPv6 peer, lower address, lower distinguisher): the model's ranking.
const VIEWS: ViewKey[] = [
  view(1, "192.0.2.9", { post: true }), // 0
  view(1, "192.0.2.9", { post: true, rd: 5n }), // 1
  view(1, "2001:db8::1", { post: true }), // 2
  view(1, "192.0.2.2", { post: false }), // 3
  view(1, "192.0.2.9", { post: false }), // 4
  view(1, "::ffff:0:1", { post: false }), // 5: IPv6 text, but an IPv4-mapped peer: 0.0.0.1
];
const RANK = [0, 1, 2, 4, 5, 3];

interface P {
  v4: boolean;
  bytes: Uint8Array;
  length: number;
}
interface ModelRoute {
  view: number;
  key: string;
  p: P;
  pathId: number;
  origin: number;
}

function masked(p: P): P {
  const bytes = Uint8Array.from(p.bytes);
  const skip = p.v4 ? 96 : 0;
  for (let bit = skip + p.length; bit < 128; bit++) bytes[bit >>> 3] &= ~(0x80 >>> (bit & 7));
  return { ...p, bytes };
}
const keyOf = (p: P) => `${formatAddress(masked(p).bytes)}/${p.length}`;

function covers(p: P, a: Uint8Array): boolean {
  if (p.v4 !== isV4Mapped(a)) return false;
  const skip = p.v4 ? 96 : 0;
  for (let bit = skip; bit < skip + p.length; bit++) {
    const m = 0x80 >>> (bit & 7);
    if ((p.bytes[bit >>> 3]! & m) !== (a[bit >>> 3]! & m)) return false;
  }
  return true;
}

class Model {
  routes: ModelRoute[] = [];
  constructor(readonly labels: readonly bigint[]) {}
  labelling(r: ModelRoute): boolean {
    return this.labels.includes(VIEWS[r.view]!.distinguisher ?? 0n);
  }
  announce(view: number, p: P, pathId: number, origin: number): void {
    this.withdraw(view, p, pathId);
    this.routes.push({ view, key: keyOf(p), p: masked(p), pathId, origin });
  }
  withdraw(view: number, p: P, pathId: number): void {
    const key = keyOf(p);
    this.routes = this.routes.filter((r) => !(r.view === view && r.key === key && r.pathId === pathId));
  }
  peerDown(view: number): void {
    const v = VIEWS[view]!;
    const same = (i: number) => formatAddress(VIEWS[i]!.peerAddress) === formatAddress(v.peerAddress) && VIEWS[i]!.distinguisher === v.distinguisher;
    this.routes = this.routes.filter((r) => !same(r.view));
  }
  lookup(a: Uint8Array): ModelRoute | null {
    let best: ModelRoute | null = null;
    for (const r of this.routes) {
      if (r.p.length === 0 || !this.labelling(r) || !covers(r.p, a)) continue;
      if (
        !best || r.p.length > best.p.length ||
        (r.p.length === best.p.length && (RANK[r.view]! < RANK[best.view]! || (r.view === best.view && r.pathId < best.pathId)))
      ) best = r;
    }
    return best;
  }
}

/** Addresses that cluster, so prefixes nest and overlap. */
const v4Prefix: fc.Arbitrary<P> = fc
  .record({
    base: fc.constantFrom(0x0a000000, 0x0a00ff00, 0x0a800000, 0xc0a80101, 0xffffffff),
    noise: fc.integer({ min: 0, max: 0xfff }),
    length: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.constantFrom(8, 16, 20, 24, 32)),
  })
  .map(({ base, noise, length }) => {
    const bytes = new Uint8Array(16);
    bytes[10] = bytes[11] = 0xff;
    new DataView(bytes.buffer).setUint32(12, (base ^ noise) >>> 0);
    return { v4: true, bytes, length };
  });
const v6Prefix: fc.Arbitrary<P> = fc
  .record({
    base: fc.constantFrom("2001:0db8:0000:0000", "2001:0db8:00ff:0000", "2a00:0000:0000:0000", "ffff:ffff:ffff:ffff"),
    noise: fc.integer({ min: 0, max: 0xffff }),
    b8: fc.constantFrom(0, 0x40, 0x81),
    b12: fc.constantFrom(0, 0x40, 0x81),
    tail: fc.integer({ min: 0, max: 0xff }),
    length: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(16, 32, 48, 56, 64, 128)),
  })
  .map(({ base, noise, b8, b12, tail, length }) => {
    const bytes = new Uint8Array(16);
    base.split(":").forEach((g, i) => new DataView(bytes.buffer).setUint16(i * 2, parseInt(g, 16)));
    bytes[4] ^= noise >>> 8;
    bytes[5] ^= noise & 0xff;
    bytes[8] = b8;
    bytes[12] = b12;
    bytes[15] = tail;
    return { v4: false, bytes, length };
  });

type Op =
  | { kind: "announce"; view: number; p: number; pathId: number; origin: number }
  | { kind: "withdraw"; view: number; p: number; pathId: number }
  | { kind: "peerDown"; view: number };

const op = (prefixes: number): fc.Arbitrary<Op> => {
  const v = fc.integer({ min: 0, max: VIEWS.length - 1 });
  const p = fc.integer({ min: 0, max: prefixes - 1 });
  const pathId = fc.constantFrom(0, 0, 1, 7);
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("announce" as const), view: v, p, pathId, origin: fc.integer({ min: 0, max: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), view: v, p, pathId }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("peerDown" as const), view: v }) },
  );
};

/** Both ends of every prefix, just outside them, and the random probes. */
function probes(prefixes: P[], extra: Uint8Array[]): Uint8Array[] {
  const out = [...extra];
  for (const p of prefixes) {
    const lo = masked(p).bytes;
    const hi = Uint8Array.from(lo);
    const skip = p.v4 ? 96 : 0;
    for (let bit = skip + p.length; bit < 128; bit++) hi[bit >>> 3] |= 0x80 >>> (bit & 7);
    out.push(lo, hi, step(lo, -1, skip), step(hi, 1, skip));
  }
  return out;
}

/** The address one above/below, wrapping inside the family's bits. */
function step(a: Uint8Array, d: 1 | -1, skip: number): Uint8Array {
  const b = Uint8Array.from(a);
  for (let i = 15; i >= skip / 8; i--) {
    const n = b[i]! + d;
    b[i] = n & 0xff;
    if (n >= 0 && n <= 0xff) break;
  }
  return b;
}

function check(rib: Rib, model: Model, addresses: Uint8Array[]): void {
  for (const a of addresses) {
    const want = model.lookup(a);
    const got = rib.lookupDetail(a);
    const where = formatAddress(a);
    if (!want) {
      assert.equal(got, null, `${where}: expected no match, got ${got?.prefix}`);
      assert.equal(rib.lookup(a), -1, where);
      continue;
    }
    assert.ok(got, `${where}: expected ${want.key}`);
    assert.equal(got.prefix, want.key, where);
    assert.equal(got.origin, want.origin, where);
    assert.equal(got.pathId, want.pathId, where);
    const v = VIEWS[want.view]!;
    assert.deepEqual([got.view.peerAddress, got.view.postPolicy, got.view.distinguisher], [formatAddress(v.peerAddress), v.postPolicy, v.distinguisher], where);
    assert.equal(rib.origin(rib.lookup(a)), want.origin, where);
  }
  const s = rib.summary();
  const keys = new Set(model.routes.filter((r) => model.labelling(r)).map((r) => r.key));
  const v4 = [...keys].filter((k) => !k.includes(":") || k.startsWith("::ffff:")).length;
  assert.equal(s.routes, model.routes.length, "routes");
  assert.deepEqual(s.prefixes, { ipv4: v4, ipv6: keys.size - v4 }, "prefixes");
  const held = (d: bigint) => model.routes.filter((r) => !model.labelling(r) && VIEWS[r.view]!.distinguisher === d).length;
  const excluded = [0n, 5n].map((d) => ({ distinguisher: d, routes: held(d) })).filter((e) => e.routes > 0);
  assert.deepEqual(s.excluded, excluded, "routes held but not labelling, per distinguisher");
  // A set is (origin, peer AS, peer address, AS path): shared across prefixes.
  const sets = new Set(model.routes.map((r) => `${r.origin}|${formatAddress(VIEWS[r.view]!.peerAddress)}`));
  assert.equal(s.attributeSets, sets.size, "attribute sets");
}

function run(prefixes: P[], ops: Op[], extra: Uint8Array[], everyOp: boolean, labels: readonly bigint[]): void {
  const rib = new Rib({ labelDistinguishers: labels });
  rib.sessionOpened(1, "r1");
  const model = new Model(labels);
  const addresses = probes(prefixes, extra);
  for (const o of ops) {
    const p = o.kind === "peerDown" ? undefined : prefixes[o.p]!;
    const pfx = p && { address: p.bytes, length: p.length };
    if (o.kind === "announce") {
      assert.equal(rib.announce(VIEWS[o.view]!, pfx!, route(o.origin, { pathId: o.pathId })), true);
      model.announce(o.view, p!, o.pathId, o.origin);
    } else if (o.kind === "withdraw") {
      rib.withdraw(VIEWS[o.view]!, pfx!, o.pathId);
      model.withdraw(o.view, p!, o.pathId);
    } else {
      rib.peerDown(1, VIEWS[o.view]!);
      model.peerDown(o.view);
    }
    if (everyOp) check(rib, model, addresses);
  }
  check(rib, model, addresses);
  // Withdrawing everything left gives all memory back: no prefix, set or trie node stays.
  for (const r of model.routes) rib.withdraw(VIEWS[r.view]!, { address: r.p.bytes, length: r.p.length }, r.pathId);
  const s = rib.summary();
  assert.deepEqual([s.routes, s.prefixes, s.attributeSets, s.trieNodes], [0, { ipv4: 0, ipv6: 0 }, 0, { ipv4: 0, ipv6: 0 }]);
}

/** Distinguishers that label: the default (the global instance), both of VIEWS', or view 1's VRF alone. */
const LABELS = fc.constantFrom([0n], [0n, 5n], [5n]);

const randomAddress = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...b)),
);

describe("RIB against a naive model", () => {
  test("property: lookups, counts and shared sets agree after every operation", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Prefix, v6Prefix), { minLength: 1, maxLength: 14 }).chain((prefixes) =>
          fc.tuple(fc.constant(prefixes), fc.array(op(prefixes.length), { maxLength: 80 }), fc.array(randomAddress, { maxLength: 8 }), LABELS),
        ),
        ([prefixes, ops, extra, labels]) => run(prefixes, ops, extra, true, labels),
      ),
      { numRuns: 300, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });

  test("property: larger tables (hundreds of overlapping prefixes, trie nodes created and freed)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Prefix, v6Prefix), { minLength: 50, maxLength: 300 }).chain((prefixes) =>
          fc.tuple(fc.constant(prefixes), fc.array(op(prefixes.length), { minLength: 200, maxLength: 1500 }), fc.array(randomAddress, { maxLength: 50 }), LABELS),
        ),
        ([prefixes, ops, extra, labels]) => run(prefixes, ops, extra, false, labels),
      ),
      { numRuns: 40, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });
});
