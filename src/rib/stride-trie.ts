// Longest-prefix match for IPv4: a multibit trie with leaf pushing. The root
// resolves the first 16 bits directly (65,536 entries), then nodes of 256
// entries for bits 16-23 and 24-31: at most three reads. Every entry holds the
// answer for its address range, so a lookup is a walk of array reads with no
// backtracking and no allocation. (The IPv4 table is dense: nearly every /16
// holds a more specific prefix, so path compression would save nothing.)
//
// Entry: 0 = no prefix, > 0 = prefix id + 1, < 0 = ~(pool offset of a child).
// A prefix of length L lives in the node whose bit range ends at or after L,
// expanded over 2^(end - L) entries; an entry takes it when its current prefix
// is shorter (more specific prefixes keep their entries), children included.
// Nodes count their stored prefixes plus their children and are freed at zero.
// /0 is never stored: a default route must not label flows.

import { growable, grown } from "./typed-growth.js";

const ROOT_BITS = 16;
const ROOT_SIZE = 1 << ROOT_BITS;

export class StrideTrie {
  /** the root's entries, then the nodes' */
  private pool: Int32Array;
  /** node number -> stored prefixes + children */
  private refs: Uint16Array;
  /** first free node's offset (its first entry links the next), -1 when none */
  private freeHead = -1;
  private highWater = 0;
  private liveNodes = 0;
  private readonly size: number;
  private readonly mask: number;
  /** entry offsets along the current walk, for collapsing */
  private readonly path = new Int32Array(40);

  constructor(readonly stride: 8 = 8) {
    this.size = 1 << stride;
    this.mask = this.size - 1;
    this.pool = growable(Int32Array, ROOT_SIZE + 64 * this.size);
    this.refs = growable(Uint16Array, 64);
  }

  get nodes(): number {
    return this.liveNodes;
  }

  get bytes(): number {
    return this.pool.byteLength + this.refs.byteLength;
  }

  /** Stores prefix `id` (key at k[ko..], length 1..maxLen); `lens` maps ids to lengths. */
  insert(k: Uint32Array, ko: number, len: number, id: number, lens: Uint8Array): void {
    let base = 0;
    let off = 0;
    let bits = ROOT_BITS;
    while (len > off + bits) {
      const i = base + chunk(k, ko, off, bits);
      let e = this.pool[i]!;
      if (e >= 0) {
        const child = this.allocNode(e);
        this.pool[i] = e = ~child;
        if (base !== 0) this.refs[this.nodeOf(base)]++;
      }
      base = ~e;
      off += bits;
      bits = this.stride;
    }
    if (base !== 0) this.refs[this.nodeOf(base)]++;
    const start = base + chunk(k, ko, off, bits);
    const end = start + (1 << (off + bits - len));
    for (let i = start; i < end; i++) this.claim(i, id + 1, len, lens);
  }

  /** Removes prefix `id`; its entries fall back to `parent` (the longest covering prefix, or -1). */
  remove(k: Uint32Array, ko: number, len: number, id: number, parent: number): void {
    let base = 0;
    let off = 0;
    let bits = ROOT_BITS;
    let depth = 0;
    while (len > off + bits) {
      const i = base + chunk(k, ko, off, bits);
      this.path[depth++] = i;
      base = ~this.pool[i]!;
      off += bits;
      bits = this.stride;
    }
    const start = base + chunk(k, ko, off, bits);
    const end = start + (1 << (off + bits - len));
    for (let i = start; i < end; i++) this.release(i, id + 1, parent + 1);
    // A node left without prefixes or children holds one inherited value
    // throughout: its parent entry takes that value back.
    let node = base;
    while (node !== 0) {
      if (--this.refs[this.nodeOf(node)] !== 0) break;
      const at = this.path[--depth]!;
      this.pool[at] = this.pool[node]!;
      this.freeNode(node);
      node = this.baseOf(at);
    }
  }

  /** The id of the longest prefix covering `a`, or -1. */
  lookup4(a: number): number {
    const p = this.pool;
    let e = p[a >>> 16]!;
    if (e < 0) {
      e = p[~e + ((a >>> 8) & 255)]!;
      if (e < 0) e = p[~e + (a & 255)]!;
    }
    return e - 1;
  }

  // ---- internals ----

  private claim(i: number, v: number, len: number, lens: Uint8Array): void {
    const e = this.pool[i]!;
    if (e < 0) {
      const b = ~e;
      for (let j = 0; j < this.size; j++) this.claim(b + j, v, len, lens);
    } else if (e === 0 || lens[e - 1]! < len) {
      this.pool[i] = v;
    }
  }

  private release(i: number, from: number, to: number): void {
    const e = this.pool[i]!;
    if (e < 0) {
      const b = ~e;
      for (let j = 0; j < this.size; j++) this.release(b + j, from, to);
    } else if (e === from) {
      this.pool[i] = to;
    }
  }

  private nodeOf(base: number): number {
    return (base - ROOT_SIZE) / this.size;
  }

  private baseOf(entry: number): number {
    return entry < ROOT_SIZE ? 0 : entry - ((entry - ROOT_SIZE) & this.mask);
  }

  private allocNode(fill: number): number {
    let b = this.freeHead;
    if (b >= 0) this.freeHead = this.pool[b]!;
    else {
      const n = this.highWater++;
      b = ROOT_SIZE + n * this.size;
      if (b + this.size > this.pool.length) this.pool = grown(this.pool, b + this.size);
      if (n >= this.refs.length) this.refs = grown(this.refs, n + 1);
    }
    this.pool.fill(fill, b, b + this.size);
    this.refs[this.nodeOf(b)] = 0;
    this.liveNodes++;
    return b;
  }

  private freeNode(base: number): void {
    this.pool[base] = this.freeHead;
    this.freeHead = base;
    this.liveNodes--;
  }
}

/** `bits` bits of the key starting at bit `off` (never across a word: strides divide 32). */
function chunk(k: Uint32Array, ko: number, off: number, bits: number): number {
  return (k[ko + (off >>> 5)]! >>> (32 - (off & 31) - bits)) & ((1 << bits) - 1);
}
