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
import { mask, random, v4Table as synthV4, v6Table as synthV6 } from "./synthetic-tables.js";

const V4_ROUTES = 1_000_000;
const V6_ROUTES = 200_000;
const PATHS = 4000;
const PROBES = 2_000_000;
const BGP_MAX = 4096;

const rng = random(0xb3b1);
const { rand, weighted } = rng;
const u32r = rng.u32;
const v4Table = () => synthV4(rng, V4_ROUTES);
const v6Table = () => synthV6(rng, V6_ROUTES);

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
      n = putPrefix(nlri, n, v6.words, i * 4, v6.len[i++]!);
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
      dv.setUint32(o, inside ? (v6.words[j * 4]! | (u32r() & ~mask(l))) >>> 0 : ((0x2 << 28) | (u32r() >>> 4)) >>> 0);
      dv.setUint32(o + 4, inside ? (v6.words[j * 4 + 1]! | (u32r() & ~mask(l - 32))) >>> 0 : u32r());
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
