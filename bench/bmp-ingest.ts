// A full table over BMP: a synthetic stream (Initiation, Peer Up, then Route
// Monitoring messages packing as many prefixes as fit in each 4,096-octet
// UPDATE) of 1,000,000 IPv4 and 200,000 IPv6 routes, written over loopback TCP
// into the real BmpListener feeding a Rib, all in this process. Prints the
// seconds until rib.summary().routes reaches the total (framing, decoding and
// the RIB on one core), RSS growth per route (gc before and after), and
// longest-prefix lookups per second through RibAsnSource.lookupAsn on random
// addresses (inside announced prefixes and anywhere, both families).
// Run: node --expose-gc dist/bench/bmp-ingest.js   (goals: <= 10 s, <= 150 B/route, >= 5M lookups/s)
// RSS growth depends on glibc: the RIB's typed arrays grow by doubling, and
// with the default dynamic mmap threshold the arrays they replace stay in the
// heap after free. MALLOC_MMAP_THRESHOLD_=131072 shows what the RIB itself
// keeps resident.
import { connect } from "node:net";
import { BmpListener, RibAsnSource } from "../src/enrich/bmp-listener.js";
import { ErrorCounters } from "../src/metrics/errors.js";
import { Rib } from "../src/rib/rib.js";
import { a, attr, bgp, cap, cat, initiation, ip, open, peerUp, perPeer, routeMonitoring, tlv, u16 } from "../test/bmp/builders.js";

const V4_ROUTES = 1_000_000;
const V6_ROUTES = 200_000;
const PATHS = 4000;
const PROBES = 2_000_000;
const BGP_MAX = 4096;

// Deterministic data: mulberry32.
let seed = 0xb3b1;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const u32r = () => (rand() * 4294967296) >>> 0;
function weighted(table: [number, number][]): () => number {
  const total = table.reduce((s, [, w]) => s + w, 0);
  return () => {
    let x = rand() * total;
    for (const [v, w] of table) if ((x -= w) < 0) return v;
    return table[table.length - 1]![0];
  };
}
const mask = (bits: number) => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** IPv4 prefixes, a realistic length mix (mostly /24), unique. Words in network order. */
function v4Table(): { addr: Uint32Array; len: Uint8Array } {
  const lenOf = weighted([[24, 58], [23, 8], [22, 9], [21, 5], [20, 6], [19, 3], [18, 2.5], [17, 1.5], [16, 4], [15, 0.5], [14, 0.5], [13, 0.3], [12, 0.3], [11, 0.1], [10, 0.1], [9, 0.05], [8, 0.05], [25, 0.1], [26, 0.1], [27, 0.1], [28, 0.1], [29, 0.1], [30, 0.2], [32, 0.2]]);
  const addr = new Uint32Array(V4_ROUTES);
  const len = new Uint8Array(V4_ROUTES);
  const seen = new Set<number>();
  for (let i = 0; i < V4_ROUTES; ) {
    const l = lenOf();
    const first = 1 + Math.floor(rand() * 223);
    if (first === 10 || first === 127) continue;
    const w = (((first << 24) | (u32r() & 0xffffff)) & mask(l)) >>> 0;
    const k = w * 64 + l;
    if (seen.has(k)) continue;
    seen.add(k);
    addr[i] = w;
    len[i++] = l;
  }
  return { addr, len };
}

/** IPv6 prefixes in the RIR blocks, /32 allocations and more specifics (mostly /48), unique. First two words only. */
function v6Table(): { words: Uint32Array; len: Uint8Array } {
  const blockOf = weighted([[0x2001, 30], [0x240, 20], [0x260, 20], [0x280, 8], [0x2a0, 20], [0x2c0, 2]]);
  const allocations = Array.from({ length: 45_000 }, () => {
    const b = blockOf();
    return b === 0x2001 ? ((0x2001 << 16) | (u32r() & 0xffff)) >>> 0 : ((b << 20) | (u32r() & 0xfffff)) >>> 0;
  });
  const lenOf = weighted([[48, 45], [32, 18], [29, 4], [44, 8], [40, 6], [36, 5], [46, 2], [47, 2], [42, 2], [45, 2], [34, 1], [33, 1], [28, 1], [24, 0.5], [20, 0.5], [56, 1], [64, 1]]);
  const words = new Uint32Array(V6_ROUTES * 2);
  const len = new Uint8Array(V6_ROUTES);
  const seen = new Set<string>();
  for (let i = 0; i < V6_ROUTES; ) {
    const l = lenOf();
    const w0 = (allocations[Math.floor(rand() * allocations.length)]! & mask(l)) >>> 0;
    const w1 = (u32r() & mask(l - 32)) >>> 0;
    const k = `${w0}:${w1}:${l}`;
    if (seen.has(k)) continue;
    seen.add(k);
    words[i * 2] = w0;
    words[i * 2 + 1] = w1;
    len[i++] = l;
  }
  return { words, len };
}

/** A few thousand AS paths behind one neighbour (AS 3356), some with communities. */
function pathAttributes(): Uint8Array[] {
  const asn = () => (rand() < 0.7 ? 1 + Math.floor(rand() * 65000) : 131072 + Math.floor(rand() * 300000));
  const lenOf = weighted([[1, 3], [2, 15], [3, 30], [4, 25], [5, 14], [6, 7], [7, 3], [8, 2], [9, 1]]);
  return Array.from({ length: PATHS }, () => {
    const path = [3356, ...Array.from({ length: lenOf() }, asn)];
    const communities = Array.from({ length: Math.floor(rand() * 4) }, (): [number, number] => [3356, Math.floor(rand() * 1000)]);
    return cat(a.origin(0), a.path(...path), ...(communities.length ? [a.communities(...communities)] : []));
  });
}

/** NLRI octets of one prefix into out at o; returns the new offset. */
function putPrefix(out: Uint8Array, o: number, words: ArrayLike<number>, at: number, length: number): number {
  out[o++] = length;
  for (let i = 0; i < (length + 7) >> 3; i++) out[o++] = (words[at + (i >> 2)]! >>> (24 - 8 * (i & 3))) & 0xff;
  return o;
}

function buildStream(): { stream: Uint8Array; messages: number } {
  const v4 = v4Table();
  const v6 = v6Table();
  const paths = pathAttributes();
  const peer = perPeer({ address: "192.0.2.2", asn: 3356, bgpId: "192.0.2.2" });
  const caps = (asn: number) => [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(asn)];
  const parts: Uint8Array[] = [
    initiation(tlv(1, "rfm bench speaker"), tlv(2, "bench")),
    peerUp(peer, { local: "192.0.2.1", sent: open({ asn: 65001, bgpId: "192.0.2.1", capabilities: caps(65001) }), received: open({ asn: 3356, bgpId: "192.0.2.2", capabilities: caps(3356) }) }),
  ];
  const nlri = new Uint8Array(BGP_MAX);
  const v4Words = new Uint32Array(1);
  // IPv4: NLRI after ORIGIN, AS_PATH, (COMMUNITIES), NEXT_HOP.
  for (let i = 0; i < V4_ROUTES; ) {
    const attrs = cat(paths[Math.floor(rand() * rand() * PATHS)]!, a.nextHop("192.0.2.2"));
    const room = BGP_MAX - 19 - 4 - attrs.length;
    let n = 0;
    while (i < V4_ROUTES && n + 5 <= room) {
      v4Words[0] = v4.addr[i]!;
      n = putPrefix(nlri, n, v4Words, 0, v4.len[i++]!);
    }
    parts.push(routeMonitoring(peer, bgp(2, u16(0), u16(attrs.length), attrs, nlri.slice(0, n))));
  }
  // IPv6: MP_REACH_NLRI (extended length) after the path attributes.
  const nextHop = ip("2001:db8::2");
  for (let i = 0; i < V6_ROUTES; ) {
    const common = paths[Math.floor(rand() * rand() * PATHS)]!;
    const room = BGP_MAX - 19 - 4 - common.length - 4 - 5 - nextHop.length - 1;
    let n = 0;
    while (i < V6_ROUTES && n + 9 <= room) {
      n = putPrefix(nlri, n, v6.words, i * 2, v6.len[i++]!);
    }
    const mp = attr(0x80, 14, cat(u16(2), [1, nextHop.length], nextHop, [0], nlri.subarray(0, n)), true);
    const attrs = cat(common, mp);
    parts.push(routeMonitoring(peer, bgp(2, u16(0), u16(attrs.length), attrs)));
  }
  return { stream: cat(...parts), messages: parts.length };
}

/** Addresses to look up, 16 bytes each: 60 % inside a random announced prefix, the rest anywhere; 80 % IPv4. */
function probes(): Uint8Array {
  const v4 = v4Table();
  const v6 = v6Table();
  const buf = new Uint8Array(PROBES * 16);
  const dv = new DataView(buf.buffer);
  for (let i = 0; i < PROBES; i++) {
    const o = i * 16;
    const inside = rand() < 0.6;
    if (rand() < 0.8) {
      buf[o + 10] = buf[o + 11] = 0xff;
      const j = Math.floor(rand() * V4_ROUTES);
      dv.setUint32(o + 12, inside ? (v4.addr[j]! | (u32r() & ~mask(v4.len[j]!))) >>> 0 : u32r());
    } else {
      const j = Math.floor(rand() * V6_ROUTES);
      const l = v6.len[j]!;
      dv.setUint32(o, inside ? (v6.words[j * 2]! | (u32r() & ~mask(l))) >>> 0 : ((0x2 << 28) | (u32r() >>> 4)) >>> 0);
      dv.setUint32(o + 4, inside ? (v6.words[j * 2 + 1]! | (u32r() & ~mask(l - 32))) >>> 0 : u32r());
      dv.setUint32(o + 8, u32r());
      dv.setUint32(o + 12, u32r());
    }
  }
  return buf;
}

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
}

async function main(): Promise<void> {
  if (!globalThis.gc) console.log("bmp-ingest: run with --expose-gc for meaningful memory figures");
  const b0 = process.hrtime.bigint();
  const { stream, messages } = buildStream();
  const addrs = probes();
  const buildS = Number(process.hrtime.bigint() - b0) / 1e9;
  console.log(`bmp-ingest: stream bytes=${stream.length} messages=${messages} (built in ${buildS.toFixed(1)} s, not timed)`);

  const m0 = memory();
  const rib = new Rib();
  const errors = new ErrorCounters();
  const listener = new BmpListener({ host: "127.0.0.1", port: 0, rib, errors });
  await listener.listen();
  const total = V4_ROUTES + V6_ROUTES;

  const t0 = process.hrtime.bigint();
  const sock = connect({ host: "127.0.0.1", port: listener.address!.port });
  sock.on("error", (e) => {
    console.error(`bmp-ingest: client: ${e.message}`);
    process.exitCode = 1;
  });
  sock.write(stream);
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (rib.summary().routes >= total) {
        clearInterval(poll);
        resolve();
      } else if (errors.get("bmp") > 0 || Number(process.hrtime.bigint() - t0) > 120e9) {
        clearInterval(poll);
        reject(new Error(`stalled at ${rib.summary().routes} routes, ${errors.get("bmp")} bmp errors, ${JSON.stringify(listener.stats)}`));
      }
    }, 2);
  });
  const ingestS = Number(process.hrtime.bigint() - t0) / 1e9;
  sock.end();
  await new Promise((r) => sock.once("close", r));
  const s = rib.summary();
  console.log(
    `bmp-ingest: routes=${s.routes} prefixes_v4=${s.prefixes.ipv4} prefixes_v6=${s.prefixes.ipv6} attribute_sets=${s.attributeSets} ` +
      `messages=${listener.stats.messages} bmp_errors=${errors.get("bmp")} ingest_s=${ingestS.toFixed(2)} routes_per_s=${Math.round(s.routes / ingestS)} goal_s=10`,
  );

  const m1 = memory();
  const per = (bytes: number) => (bytes / s.routes).toFixed(1);
  console.log(
    `bmp-ingest: bytes_per_route rss=${per(m1.rss - m0.rss)} heap_and_buffers=${per(m1.heap - m0.heap)} rib_typed_arrays=${per(s.bytes)} goal=150 ` +
      `(rss_growth_mb=${((m1.rss - m0.rss) / 1048576).toFixed(1)})`,
  );

  // As the flow enricher calls it: each address copied into one scratch 16-byte array, then looked up.
  const source = new RibAsnSource(rib);
  const all = new Uint32Array(addrs.buffer);
  const words = new Uint32Array(4);
  const scratch = new Uint8Array(words.buffer);
  let hits = 0;
  let sink = 0;
  const pass = () => {
    hits = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < PROBES; i++) {
      const o = i << 2;
      words[0] = all[o]!;
      words[1] = all[o + 1]!;
      words[2] = all[o + 2]!;
      words[3] = all[o + 3]!;
      const asn = source.lookupAsn(scratch);
      if (asn !== 0) hits++;
      sink ^= asn;
    }
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  pass(); // warm-up
  const best = Math.min(pass(), pass(), pass());
  console.log(
    `bmp-ingest: lookups RibAsnSource.lookupAsn per_s=${Math.round(PROBES / best)} known_origin_ratio=${(hits / PROBES).toFixed(2)} ` +
      `(${PROBES} random addresses, 80% IPv4, 60% inside an announced prefix; best of 3 passes) goal_per_s=5000000${sink === 0.5 ? " " : ""}`,
  );
  await listener.close();
}

await main();
