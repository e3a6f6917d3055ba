// Interned attribute sets (origin, AS path, communities, large communities,
// peer): real tables share a few hundred thousand sets among a million
// prefixes, so routes hold a 32-bit id and the set lives once, reference
// counted, in one word pool. Freed records leave holes that a compaction
// reclaims once they are half the pool.
import { formatAddress } from "../net/address.js";
import { wordAt } from "./address-words.js";
import { MAX_LIST, type RibCounters } from "./limits.js";
import type { Route, RouteAttributes } from "./route.js";
import { growable, grown } from "./typed-growth.js";

// Record layout in the pool, in words.
const ORIGIN = 0;
const FLAGS = 1;
const PEER_AS = 2;
const PEER = 3; // four words
const N_PATH = 7;
const N_COMM = 8;
const N_LARGE = 9; // triples
const HEADER = 10;
const MAX_RECORD = HEADER + MAX_LIST * 5;

const PATH_CUT = 1;
const COMM_CUT = 2;
const LARGE_CUT = 4;

export class AttributeStore {
  private pool = growable(Uint32Array, 4096);
  private used = 0;
  private garbage = 0;
  /** id -> record offset, reference count, content hash */
  private off = growable(Uint32Array, 1024);
  private refs = growable(Uint32Array, 1024);
  private hashes = growable(Uint32Array, 1024);
  private freeIds = growable(Int32Array, 1024);
  private freeTop = 0;
  private nextId = 0;
  private live = 0;
  /** open addressing over id + 1 */
  private slots = growable(Int32Array, 2048);
  private readonly scratch = new Uint32Array(MAX_RECORD);

  get size(): number {
    return this.live;
  }

  get bytes(): number {
    return this.pool.byteLength + this.off.byteLength * 3 + this.freeIds.byteLength + this.slots.byteLength;
  }

  /** The id of the route's attribute set with one more reference (the caller's). */
  intern(r: Route, viewPeer: Uint8Array, counters: RibCounters): number {
    const s = this.scratch;
    const path = r.asPath;
    const comms = r.communities;
    const large = r.largeCommunities;
    const nPath = Math.min(path.length, MAX_LIST);
    const nComm = comms ? Math.min(comms.length, MAX_LIST) : 0;
    const nLargeAll = large ? Math.floor(large.length / 3) : 0;
    const nLarge = Math.min(nLargeAll, MAX_LIST);
    let flags = 0;
    if (path.length > MAX_LIST) {
      flags |= PATH_CUT;
      counters.asPathsTruncated++;
    }
    if (comms && comms.length > MAX_LIST) {
      flags |= COMM_CUT;
      counters.communitiesTruncated++;
    }
    if (nLargeAll > MAX_LIST) {
      flags |= LARGE_CUT;
      counters.largeCommunitiesTruncated++;
    }
    const peer = r.peerAddress && r.peerAddress.length === 16 ? r.peerAddress : viewPeer;
    s[ORIGIN] = r.origin;
    s[FLAGS] = flags;
    s[PEER_AS] = r.peerAs;
    for (let i = 0; i < 4; i++) s[PEER + i] = wordAt(peer, i * 4);
    s[N_PATH] = nPath;
    s[N_COMM] = nComm;
    s[N_LARGE] = nLarge;
    let n = HEADER;
    for (let i = 0; i < nPath; i++) s[n++] = path[i]!;
    for (let i = 0; i < nComm; i++) s[n++] = comms![i]!;
    for (let i = 0; i < nLarge * 3; i++) s[n++] = large![i]!;

    const h = hashWords(s, n);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i]!;
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.sameRecord(id, n)) {
        this.refs[id]++;
        return id;
      }
    }
    return this.add(n, h);
  }

  /** Drops one reference; the set goes with its last. */
  release(id: number): void {
    if (--this.refs[id]! > 0) return;
    this.unindex(id);
    this.garbage += this.recordLength(this.off[id]!);
    this.freeIds[this.freeTop++] = id;
    this.live--;
    if (this.garbage > 4096 && this.garbage * 2 > this.used) this.compact();
  }

  references(id: number): number {
    return this.refs[id]!;
  }

  origin(id: number): number {
    return this.pool[this.off[id]! + ORIGIN]!;
  }

  peerAs(id: number): number {
    return this.pool[this.off[id]! + PEER_AS]!;
  }

  describe(id: number): RouteAttributes {
    const p = this.pool;
    const o = this.off[id]!;
    const peer = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const w = p[o + PEER + i]!;
      peer[i * 4] = w >>> 24;
      peer[i * 4 + 1] = (w >>> 16) & 0xff;
      peer[i * 4 + 2] = (w >>> 8) & 0xff;
      peer[i * 4 + 3] = w & 0xff;
    }
    let n = o + HEADER;
    const take = (count: number) => Array.from(p.subarray(n, (n += count)));
    const asPath = take(p[o + N_PATH]!);
    const communities = take(p[o + N_COMM]!);
    const flat = take(p[o + N_LARGE]! * 3);
    const largeCommunities: [number, number, number][] = [];
    for (let i = 0; i < flat.length; i += 3) largeCommunities.push([flat[i]!, flat[i + 1]!, flat[i + 2]!]);
    const origin = p[o + ORIGIN]!;
    return {
      origin,
      originUnknown: origin === 0,
      asPath,
      communities,
      largeCommunities,
      truncated: p[o + FLAGS] !== 0,
      peerAddress: formatAddress(peer),
      peerAs: p[o + PEER_AS]!,
    };
  }

  // ---- internals ----

  private recordLength(o: number): number {
    const p = this.pool;
    return HEADER + p[o + N_PATH]! + p[o + N_COMM]! + p[o + N_LARGE]! * 3;
  }

  private sameRecord(id: number, n: number): boolean {
    const p = this.pool;
    const o = this.off[id]!;
    if (this.recordLength(o) !== n) return false;
    const s = this.scratch;
    for (let i = 0; i < n; i++) if (p[o + i] !== s[i]) return false;
    return true;
  }

  private add(n: number, h: number): number {
    let id: number;
    if (this.freeTop > 0) id = this.freeIds[--this.freeTop]!;
    else {
      id = this.nextId++;
      if (id >= this.off.length) {
        this.off = grown(this.off, id + 1);
        this.refs = grown(this.refs, id + 1);
        this.hashes = grown(this.hashes, id + 1);
        this.freeIds = grown(this.freeIds, id + 1);
      }
    }
    if (this.used + n > this.pool.length) this.pool = grown(this.pool, this.used + n);
    this.pool.set(this.scratch.subarray(0, n), this.used);
    this.off[id] = this.used;
    this.used += n;
    this.refs[id] = 1;
    this.hashes[id] = h;
    this.live++;
    if (this.live * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashes[id]! & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = growable(Int32Array, size);
    for (let id = 0; id < this.nextId; id++) if (this.refs[id]! > 0) this.place(id);
  }

  /** Backward-shift deletion keeps probe chains whole without tombstones. */
  private unindex(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.hashes[id]! & mask;
    while (slots[hole] !== id + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[slots[j]! - 1]! & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        slots[hole] = slots[j]!;
        hole = j;
      }
    }
    slots[hole] = 0;
  }

  private compact(): void {
    const old = this.pool;
    const pool = growable(Uint32Array, Math.max(4096, (this.used - this.garbage) * 2));
    let used = 0;
    for (let id = 0; id < this.nextId; id++) {
      if (this.refs[id] === 0) continue;
      const o = this.off[id]!;
      const n = this.recordLength(o);
      pool.set(old.subarray(o, o + n), used);
      this.off[id] = used;
      used += n;
    }
    this.pool = pool;
    this.used = used;
    this.garbage = 0;
  }
}

function hashWords(s: Uint32Array, n: number): number {
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(s[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
