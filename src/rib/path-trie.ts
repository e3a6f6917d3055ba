// Longest-prefix match for IPv6: a multibit trie (16-bit root, then nodes of
// 16 entries, 4 bits each) with leaf pushing and path compression. The IPv6
// table is sparse below the /32 allocations (a lone /48 under a /32), so a
// node is created where a prefix needs it, not on every 4 bits of the way: a
// node may sit deeper than its parent entry and then holds the address bits it
// skipped (its key) and the answer for the rest of the parent entry's range
// (its fallback). Nodes split when a new prefix leaves a skipped stretch, and
// merge back into their only child when they hold nothing else.
//
// Entry: 0 = no prefix, > 0 = prefix id + 1, < 0 = ~(pool offset of a node).
// Like the IPv4 trie: a prefix of length L is expanded in the node whose
// 4-bit chunk holds bit L-1; an entry (or a fallback) takes it when its current
// prefix is shorter; /0 is never stored.
import { growable, grown } from "./typed-growth.js";

const ROOT_BITS = 16;
const ROOT_SIZE = 1 << ROOT_BITS;
const STRIDE = 4;
const FANOUT = 1 << STRIDE;
// Node layout after its 16 entries (23 words in all).
const DEPTH = FANOUT; // first bit of the node's chunk
const FROM = FANOUT + 1; // first bit the path to the node did not check (DEPTH when nothing is skipped)
const FALLBACK = FANOUT + 2; // value for the parent entry's addresses outside the node's key
const COUNTS = FANOUT + 3; // prefixes stored in the node + 256 * child nodes
const KEY = FANOUT + 4; // four words: the address bits before DEPTH
const NODE = FANOUT + 8;
const CHILD = 256;

export class PathTrie {
  /** the root's entries, then the nodes */
  private pool = growable(Int32Array, ROOT_SIZE + 256 * NODE);
  /** first free node (its first entry links the next), -1 when none */
  private freeHead = -1;
  private highWater = 0;
  private liveNodes = 0;
  /** entry offsets along the current walk */
  private readonly path = new Int32Array(40);

  get nodes(): number {
    return this.liveNodes;
  }

  get bytes(): number {
    return this.pool.byteLength;
  }

  /** Stores prefix `id` (key at k[ko..ko+3], length 1..128); `lens` maps ids to lengths. */
  insert(k: Uint32Array, ko: number, len: number, id: number, lens: Uint8Array): void {
    if (len <= ROOT_BITS) {
      this.claimRange(0, chunk(k, ko, 0, ROOT_BITS), ROOT_BITS - len, id + 1, len, lens);
      return;
    }
    let at = chunk(k, ko, 0, ROOT_BITS); // the entry being followed
    let end = ROOT_BITS; // bits the walk has matched
    for (;;) {
      const e = this.pool[at]!;
      if (e >= 0) {
        // Nothing below this entry yet: one node right where the prefix ends.
        const n = this.newNode(align(len - 1), end, e, k, ko);
        this.adopt(at, n);
        this.store(n, k, ko, len, id, lens);
        return;
      }
      const c = ~e;
      const d = this.pool[c + DEPTH]!;
      const diff = this.firstDifference(k, ko, c, end, Math.min(d, len));
      if (diff < 0 && len > d) {
        // On the child's path: store there or go on below it.
        if (len <= d + STRIDE) {
          this.store(c, k, ko, len, id, lens);
          return;
        }
        at = c + chunk(k, ko, d, STRIDE);
        end = d + STRIDE;
        continue;
      }
      // The prefix leaves (or ends within) the child's skipped bits: a node
      // where they part takes the child's place.
      const m = this.newNode(align(diff >= 0 ? diff : len - 1), end, this.pool[c + FALLBACK]!, k, ko);
      const dm = this.pool[m + DEPTH]!;
      this.pool[m + chunk(this.pool, c + KEY, dm, STRIDE)] = ~c;
      this.pool[m + COUNTS] = CHILD;
      this.pool[c + FROM] = dm + STRIDE;
      this.pool[at] = ~m;
      if (len <= dm + STRIDE) {
        this.store(m, k, ko, len, id, lens);
        return;
      }
      at = m + chunk(k, ko, dm, STRIDE);
      end = dm + STRIDE;
    }
  }

  /** Removes prefix `id`; its entries fall back to `parent` (the longest covering prefix, or -1). */
  remove(k: Uint32Array, ko: number, len: number, id: number, parent: number): void {
    if (len <= ROOT_BITS) {
      this.releaseRange(0, chunk(k, ko, 0, ROOT_BITS), ROOT_BITS - len, id + 1, parent + 1);
      return;
    }
    let depth = 0;
    let at = chunk(k, ko, 0, ROOT_BITS);
    let n: number;
    for (;;) {
      this.path[depth++] = at;
      n = ~this.pool[at]!;
      const d = this.pool[n + DEPTH]!;
      if (len <= d + STRIDE) break;
      at = n + chunk(k, ko, d, STRIDE);
    }
    const d = this.pool[n + DEPTH]!;
    this.releaseRange(n, chunk(k, ko, d, STRIDE), d + STRIDE - len, id + 1, parent + 1);
    this.pool[n + COUNTS]--;
    // Tidy up towards the root: an empty node gives its entry back its value,
    // a node left with one child and no prefix hands its place to the child.
    while (depth > 0) {
      const p = this.pool;
      const counts = p[n + COUNTS]!;
      if ((counts & (CHILD - 1)) !== 0 || counts > CHILD) return; // prefixes, or two children or more
      const entry = this.path[--depth]!;
      if (counts === CHILD) {
        let j = 0;
        while (p[n + j]! >= 0) j++;
        const c = ~p[n + j]!;
        p[c + FROM] = p[n + FROM]!;
        p[entry] = ~c;
        this.freeNode(n);
        return;
      }
      p[entry] = p[n + FALLBACK]!;
      this.freeNode(n);
      if (depth === 0) return;
      n = ~p[this.path[depth - 1]!]!;
      p[n + COUNTS] -= CHILD;
    }
  }

  /** The id of the longest prefix covering the address w0..w3, or -1. */
  lookup6(w0: number, w1: number, w2: number, w3: number): number {
    const p = this.pool;
    let e = p[w0 >>> 16]!;
    while (e < 0) {
      const b = ~e;
      const d = p[b + DEPTH]!;
      if (p[b + FROM] !== d) {
        // Skipped bits: the address must share the node's key up to d.
        if (
          (w0 & mask(d)) !== p[b + KEY] || (w1 & mask(d - 32)) !== p[b + KEY + 1] ||
          (w2 & mask(d - 64)) !== p[b + KEY + 2] || (w3 & mask(d - 96)) !== p[b + KEY + 3]
        ) return p[b + FALLBACK]! - 1;
      }
      const w = d < 32 ? w0 : d < 64 ? w1 : d < 96 ? w2 : w3;
      e = p[b + ((w >>> (28 - (d & 31))) & 15)]!;
    }
    return e - 1;
  }

  // ---- internals ----

  /** Expands the prefix over its entries in node n and counts it there. */
  private store(n: number, k: Uint32Array, ko: number, len: number, id: number, lens: Uint8Array): void {
    const d = this.pool[n + DEPTH]!;
    this.claimRange(n, chunk(k, ko, d, STRIDE), d + STRIDE - len, id + 1, len, lens);
    this.pool[n + COUNTS]++;
  }

  /** Entry `at` (a value) becomes a pointer to new node n. */
  private adopt(at: number, n: number): void {
    this.pool[at] = ~n;
    if (at >= ROOT_SIZE) this.pool[this.nodeOf(at) + COUNTS] += CHILD;
  }

  private claimRange(base: number, first: number, spanBits: number, v: number, len: number, lens: Uint8Array): void {
    const end = base + first + (1 << spanBits);
    for (let i = base + first; i < end; i++) this.claim(i, v, len, lens);
  }

  /** Entry i takes value v (length len) unless it holds a longer prefix; below a pointer, every entry and the fallback. */
  private claim(i: number, v: number, len: number, lens: Uint8Array): void {
    const p = this.pool;
    const e = p[i]!;
    if (e >= 0) {
      if (e === 0 || lens[e - 1]! < len) p[i] = v;
      return;
    }
    const c = ~e;
    const f = p[c + FALLBACK]!;
    if (f === 0 || lens[f - 1]! < len) p[c + FALLBACK] = v;
    for (let j = 0; j < FANOUT; j++) this.claim(c + j, v, len, lens);
  }

  private releaseRange(base: number, first: number, spanBits: number, from: number, to: number): void {
    const end = base + first + (1 << spanBits);
    for (let i = base + first; i < end; i++) this.release(i, from, to);
  }

  private release(i: number, from: number, to: number): void {
    const p = this.pool;
    const e = p[i]!;
    if (e >= 0) {
      if (e === from) p[i] = to;
      return;
    }
    const c = ~e;
    if (p[c + FALLBACK] === from) p[c + FALLBACK] = to;
    for (let j = 0; j < FANOUT; j++) this.release(c + j, from, to);
  }

  /** First bit in [lo, hi) where the key at k[ko..] and node c's key differ, or -1. */
  private firstDifference(k: Uint32Array, ko: number, c: number, lo: number, hi: number): number {
    for (let w = lo >>> 5; w < 4 && w * 32 < hi; w++) {
      const range = (mask(hi - w * 32) & ~mask(lo - w * 32)) >>> 0;
      const x = ((k[ko + w]! ^ this.pool[c + KEY + w]!) & range) >>> 0;
      if (x !== 0) return w * 32 + Math.clz32(x);
    }
    return -1;
  }

  private newNode(depth: number, from: number, fill: number, k: Uint32Array, ko: number): number {
    let n = this.freeHead;
    if (n >= 0) this.freeHead = this.pool[n]!;
    else {
      n = ROOT_SIZE + this.highWater++ * NODE;
      if (n + NODE > this.pool.length) this.pool = grown(this.pool, n + NODE);
    }
    const p = this.pool;
    p.fill(fill, n, n + FANOUT);
    p[n + DEPTH] = depth;
    p[n + FROM] = from;
    p[n + FALLBACK] = fill;
    p[n + COUNTS] = 0;
    for (let w = 0; w < 4; w++) p[n + KEY + w] = k[ko + w]! & mask(depth - w * 32);
    this.liveNodes++;
    return n;
  }

  private freeNode(n: number): void {
    this.pool[n] = this.freeHead;
    this.freeHead = n;
    this.liveNodes--;
  }

  /** Offset of the node holding entry offset `at` (at >= ROOT_SIZE). */
  private nodeOf(at: number): number {
    return at - ((at - ROOT_SIZE) % NODE);
  }
}

/** The first bit of the 4-bit chunk holding `bit`. */
function align(bit: number): number {
  return bit & ~(STRIDE - 1);
}

/** The first `bits` bits of a word as an int32 mask (0 for bits <= 0, all for bits >= 32). */
function mask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? -1 : -1 << (32 - bits);
}

/** `bits` bits of the key starting at bit `off` (never across a word). */
function chunk(k: Uint32Array | Int32Array, ko: number, off: number, bits: number): number {
  return (k[ko + (off >>> 5)]! >>> (32 - (off & 31) - bits)) & ((1 << bits) - 1);
}
