// Exact-match index of one family's prefixes: key words (1 for IPv4, 4 for
// IPv6) and length per prefix id, open addressing over id + 1. Ids are dense
// and reused (the free ones chained through their first key word) so the
// per-prefix arrays of the family table stay compact.
import { growable, grown } from "./typed-growth.js";

export class PrefixIndex {
  /** id -> key words (`words` per id), network order, host bits zero */
  keys: Uint32Array;
  /** id -> prefix length; 255 = free id */
  lens: Uint8Array;
  private slots: Int32Array;
  /** first free id below highWater, -1 when none */
  private freeHead = -1;
  /** ids below this have been handed out */
  highWater = 0;
  size = 0;

  constructor(readonly words: 1 | 4) {
    this.keys = growable(Uint32Array, 1024 * words);
    this.lens = growable(Uint8Array, 1024).fill(255);
    this.slots = growable(Int32Array, 2048);
  }

  get capacity(): number {
    return this.lens.length;
  }

  get bytes(): number {
    return this.keys.byteLength + this.lens.byteLength + this.slots.byteLength;
  }

  /** The id of (key at k[ko..], len), or -1. */
  find(k: Uint32Array, ko: number, len: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const keys = this.keys;
    const lens = this.lens;
    const w = this.words;
    for (let i = this.hash(k, ko, len) & mask; ; i = (i + 1) & mask) {
      const e = slots[i]!;
      if (e === 0) return -1;
      const id = e - 1;
      if (lens[id] !== len) continue;
      const o = id * w;
      if (keys[o] !== k[ko]) continue;
      if (w === 1 || (keys[o + 1] === k[ko + 1] && keys[o + 2] === k[ko + 2] && keys[o + 3] === k[ko + 3])) return id;
    }
  }

  /** Adds a prefix known to be absent; returns its id. */
  add(k: Uint32Array, ko: number, len: number): number {
    const w = this.words;
    let id = this.freeHead;
    if (id >= 0) this.freeHead = this.keys[id * w]! | 0;
    else {
      id = this.highWater++;
      if (id >= this.lens.length) {
        const n = this.lens.length;
        this.lens = grown(this.lens, id + 1);
        this.lens.fill(255, n);
        this.keys = grown(this.keys, this.lens.length * w);
      }
    }
    for (let i = 0; i < w; i++) this.keys[id * w + i] = k[ko + i]!;
    this.lens[id] = len;
    this.size++;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  remove(id: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.hashOf(id) & mask;
    while (slots[hole] !== id + 1) hole = (hole + 1) & mask;
    // Backward-shift deletion: no tombstones, probe chains stay whole.
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashOf(slots[j]! - 1) & mask;
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        slots[hole] = slots[j]!;
        hole = j;
      }
    }
    slots[hole] = 0;
    this.lens[id] = 255;
    this.keys[id * this.words] = this.freeHead;
    this.freeHead = id;
    this.size--;
  }

  private hashOf(id: number): number {
    return this.hash(this.keys, id * this.words, this.lens[id]!);
  }

  private hash(k: Uint32Array, ko: number, len: number): number {
    let h = Math.imul(k[ko]! ^ len, 0x9e3779b1);
    if (this.words === 4) {
      h = Math.imul(h ^ (h >>> 15) ^ k[ko + 1]!, 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13) ^ k[ko + 2]!, 0xc2b2ae35);
      h = Math.imul(h ^ (h >>> 16) ^ k[ko + 3]!, 0x9e3779b1);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return (h ^ (h >>> 16)) >>> 0;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashOf(id) & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = id + 1;
  }

  private rehash(size: number): void {
    this.slots = growable(Int32Array, size);
    for (let id = 0; id < this.highWater; id++) if (this.lens[id] !== 255) this.place(id);
  }
}
