// The BMP-fed RIB on one core: seconds to ingest a synthetic full table
// (1,000,000 IPv4 + 200,000 IPv6 routes with a realistic length mix and a few
// thousand AS paths) through the same announce() the BMP glue calls, memory per
// route (RSS, the RIB's typed arrays, JS heap; after gc), lookups per second for random
// addresses (hits and misses, both families, bytes and flow-key words), and the
// cost of a peer down and of churn. One view, then the same table from two
// peers. Each scenario runs in its own process so RSS figures do not mix.
// Run: node --expose-gc dist/bench/rib.js   (goals: <= 10 s, <= 150 B/route, >= 5M lookups/s)
import { spawnSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseAddress } from "../src/net/address.js";
import { Rib, type Route, type ViewKey } from "../src/rib/rib.js";
import { mask, random, v4Table as synthV4, v6Table as synthV6 } from "./synthetic-tables.js";

const V4_ROUTES = 1_000_000;
const V6_ROUTES = 200_000;
const PATHS = 4000;
const LOOKUPS = 2_000_000;

const rng = random(0x5eed);
const { rand, weighted } = rng;
const u32 = rng.u32;
const v4Table = () => synthV4(rng, V4_ROUTES);
const v6Table = () => synthV6(rng, V6_ROUTES);

/** A few thousand AS paths from one neighbour, some with communities; popular paths carry more prefixes. */
function routes(peerAs: number): Route[] {
  const asn = () => (rand() < 0.7 ? 1 + Math.floor(rand() * 65000) : 131072 + Math.floor(rand() * 300000));
  const lenOf = weighted([[1, 3], [2, 15], [3, 30], [4, 25], [5, 14], [6, 7], [7, 3], [8, 2], [9, 1]]);
  const out: Route[] = [];
  for (let i = 0; i < PATHS; i++) {
    const asPath = [peerAs, ...Array.from({ length: lenOf() }, asn)];
    const communities = Array.from({ length: Math.floor(rand() * 4) }, () => (peerAs << 16) | Math.floor(rand() * 1000));
    out.push({ origin: asPath[asPath.length - 1]!, asPath, communities, peerAs });
  }
  return out;
}
const pick = (n: number) => Math.floor(rand() * rand() * n); // skewed towards popular paths

interface Tables {
  v4: ReturnType<typeof v4Table>;
  v6: ReturnType<typeof v6Table>;
}

function announceAll(rib: Rib, view: ViewKey, t: Tables, rs: Route[], choice: Uint16Array): void {
  const p = { address: new Uint8Array(16), length: 0 };
  const a = p.address;
  a[10] = a[11] = 0xff;
  for (let i = 0; i < V4_ROUTES; i++) {
    const w = t.v4.addr[i]!;
    a[12] = w >>> 24;
    a[13] = (w >>> 16) & 0xff;
    a[14] = (w >>> 8) & 0xff;
    a[15] = w & 0xff;
    p.length = t.v4.len[i]!;
    rib.announce(view, p, rs[choice[i]!]!);
  }
  for (let i = 0; i < V6_ROUTES; i++) {
    for (let j = 0; j < 4; j++) {
      const w = t.v6.words[i * 4 + j]!;
      a[j * 4] = w >>> 24;
      a[j * 4 + 1] = (w >>> 16) & 0xff;
      a[j * 4 + 2] = (w >>> 8) & 0xff;
      a[j * 4 + 3] = w & 0xff;
    }
    p.length = t.v6.len[i]!;
    rib.announce(view, p, rs[choice[V4_ROUTES + i]!]!);
  }
}

/** Addresses to look up, 16 bytes each: inside announced prefixes and uniformly random, both families. */
function probes(t: Tables, kind: "mixed" | "v4" | "v6"): Uint8Array {
  const buf = new Uint8Array(LOOKUPS * 16);
  const dv = new DataView(buf.buffer);
  for (let i = 0; i < LOOKUPS; i++) {
    const o = i * 16;
    const v4 = kind === "v4" || (kind === "mixed" && rand() < 0.7);
    const inside = rand() < 0.6;
    if (v4) {
      buf[o + 10] = buf[o + 11] = 0xff;
      const j = Math.floor(rand() * V4_ROUTES);
      const a = inside ? (t.v4.addr[j]! | (u32() & ~mask(t.v4.len[j]!))) >>> 0 : u32();
      dv.setUint32(o + 12, a);
    } else {
      const j = Math.floor(rand() * V6_ROUTES);
      const l = t.v6.len[j]!;
      const w0 = inside ? (t.v6.words[j * 4]! | (u32() & ~mask(l))) >>> 0 : ((0x2 << 28) | (u32() >>> 4)) >>> 0;
      const w1 = inside ? (t.v6.words[j * 4 + 1]! | (u32() & ~mask(l - 32))) >>> 0 : u32();
      dv.setUint32(o, w0);
      dv.setUint32(o + 4, w1);
      dv.setUint32(o + 8, u32());
      dv.setUint32(o + 12, u32());
    }
  }
  return buf;
}

/** Lookups per second over `buf` (best of 5 passes: other work on the machine only slows a pass down), the hit ratio, and the garbage collections during the passes. */
async function lookupRate(rib: Rib, buf: Uint8Array, words: boolean): Promise<{ perS: number; hits: number; gcs: number }> {
  const w = new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2);
  const n = buf.length >>> 4;
  let hits = 0;
  let sink = 0;
  const pass = () => {
    hits = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const ref = words ? rib.lookupWords(w, i << 2) : rib.lookup(buf, i << 4);
      if (ref >= 0) {
        hits++;
        sink ^= rib.origin(ref);
      }
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  pass(); // warm-up (twice: the first compiles, the second settles the optimised code)
  pass();
  // Allocation-free lookups trigger no collection at all over millions of calls.
  await settle();
  let gcs = 0;
  const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ["gc"] });
  const best = Math.min(pass(), pass(), pass(), pass(), pass());
  await settle();
  observer.disconnect();
  if (sink === 0.5) console.log(sink);
  return { perS: n / best, hits: hits / n, gcs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  // The RIB's arrays live in resizable ArrayBuffers, which memoryUsage().arrayBuffers does not count.
  return { rss: m.rss, heap: m.heapUsed };
}

async function scenario(views: number): Promise<void> {
  if (!globalThis.gc) console.log("rib: run with --expose-gc for meaningful memory figures");
  const t: Tables = { v4: v4Table(), v6: v6Table() };
  const viewKeys = Array.from({ length: views }, (_, i): ViewKey => ({ session: 1, peerAddress: parseAddress(`192.0.2.${i + 1}`), distinguisher: 0n, postPolicy: true }));
  const routeSets = viewKeys.map((_, i) => routes(i === 0 ? 3356 : 1299));
  const choices = viewKeys.map(() => Uint16Array.from({ length: V4_ROUTES + V6_ROUTES }, () => pick(PATHS)));
  const probeSets = { mixed: probes(t, "mixed"), v4: probes(t, "v4"), v6: probes(t, "v6") };

  const rib = new Rib();
  rib.sessionOpened(1, "bench-router");
  const m0 = memory();
  const t0 = process.hrtime.bigint();
  viewKeys.forEach((v, i) => announceAll(rib, v, t, routeSets[i]!, choices[i]!));
  const ingestS = Number(process.hrtime.bigint() - t0) / 1e9;
  const m1 = memory();
  const s = rib.summary();
  const per = (bytes: number) => (bytes / s.routes).toFixed(1);
  const tag = `rib ${views === 1 ? "one-view" : `${views}-views`}:`;
  console.log(
    `${tag} routes=${s.routes} prefixes_v4=${s.prefixes.ipv4} prefixes_v6=${s.prefixes.ipv6} attribute_sets=${s.attributeSets} ` +
      `ingest_s=${ingestS.toFixed(2)} announces_per_s=${Math.round(s.routes / ingestS)} goal_s=10`,
  );
  console.log(
    `${tag} bytes_per_route rss=${per(m1.rss - m0.rss)} typed_arrays=${per(s.bytes)} js_heap=${per(m1.heap - m0.heap)} goal=150 ` +
      `(rss_growth_mb=${((m1.rss - m0.rss) / 1048576).toFixed(1)})`,
  );
  for (const [kind, buf] of Object.entries(probeSets)) {
    const r = await lookupRate(rib, buf, false);
    console.log(`${tag} lookups ${kind}: per_s=${Math.round(r.perS)} hit_ratio=${r.hits.toFixed(2)} gc_runs=${r.gcs} goal_per_s=5000000`);
  }
  const rw = await lookupRate(rib, probeSets.mixed, true);
  console.log(`${tag} lookups mixed, flow-key words: per_s=${Math.round(rw.perS)} gc_runs=${rw.gcs}`);

  // Churn: 100,000 IPv4 prefixes withdrawn then announced again, one view.
  const p = { address: parseAddress("0.0.0.0"), length: 0 };
  const dv = new DataView(p.address.buffer);
  const c0 = process.hrtime.bigint();
  for (const op of ["withdraw", "announce"] as const) {
    for (let i = 0; i < 100_000; i++) {
      const j = (i * 7919) % V4_ROUTES;
      dv.setUint32(12, t.v4.addr[j]!);
      p.length = t.v4.len[j]!;
      if (op === "withdraw") rib.withdraw(viewKeys[0]!, p);
      else rib.announce(viewKeys[0]!, p, routeSets[0]![choices[0]![j]!]!);
    }
  }
  const churnS = Number(process.hrtime.bigint() - c0) / 1e9;
  const d0 = process.hrtime.bigint();
  const gone = rib.peerDown(1, viewKeys[views - 1]!);
  const downS = Number(process.hrtime.bigint() - d0) / 1e9;
  console.log(
    `${tag} churn 100k withdraw+announce: s=${churnS.toFixed(2)} ops_per_s=${Math.round(200_000 / churnS)}; ` +
      `peer down of ${gone} routes: s=${downS.toFixed(2)}; routes left=${rib.summary().routes}`,
  );
}

const which = process.argv[2];
if (which === "one-view") await scenario(1);
else if (which === "two-views") await scenario(2);
else {
  const self = fileURLToPath(import.meta.url);
  for (const s of ["one-view", "two-views"]) {
    const r = spawnSync(process.execPath, ["--expose-gc", self, s], { stdio: "inherit" });
    if (r.status !== 0) process.exitCode = 1;
  }
}
