// One address family's routes: the prefix index, each prefix's routes (one per
// (view, path id): a singly linked list in typed arrays, kept in preference
// order so its head is the best route), and the LPM trie over prefix ids.
// Preference: lower view rank (ranks order views by the selection rules), then
// lower path id. Renumbering ranks keeps the relative order of views, so the
// lists stay sorted. A table without lookups (routes held but never matched)
// keeps no trie at all.
import { wordMask } from "./address-words.js";
import type { AttributeStore } from "./attribute-store.js";
import { formatKey } from "./prefix.js";
import { PrefixIndex } from "./prefix-index.js";
import { PathTrie } from "./path-trie.js";
import { StrideTrie } from "./stride-trie.js";
import { growable, grown } from "./typed-growth.js";

export const enum Announced {
  Refused = -1,
  Replaced = 0,
  Added = 1,
}

export class FamilyTable {
  readonly index: PrefixIndex;
  /** Absent in a table without lookups: its lookup methods must not be called. */
  private readonly trie: StrideTrie | PathTrie | undefined;
  private readonly words: 1 | 4;
  // per prefix id: first (best) route, and its attribute set for lookups
  private head = growable(Int32Array, 1024);
  private bestAttr = growable(Int32Array, 1024);
  // per route id
  private rView = growable(Uint16Array, 1024);
  private rPath = growable(Uint32Array, 1024);
  private rAttr = growable(Uint32Array, 1024);
  /** next route of the prefix; for a free route, the next free one */
  private rNext = growable(Int32Array, 1024);
  private freeRoute = -1;
  private routeHigh = 0;
  routes = 0;
  /** prefixes per length, so the search for a covering prefix skips absent lengths */
  private readonly lengthCount = new Int32Array(129);
  private readonly scratch = new Uint32Array(4);

  constructor(
    readonly family: 4 | 6,
    /** view slot -> rank; lower wins. Shared with the view table. */
    private readonly ranks: Uint16Array,
    /** view slot -> routes; kept by this table for its routes. */
    private readonly viewRoutes: Int32Array,
    private readonly attrs: AttributeStore,
    lookups = true,
  ) {
    this.words = family === 4 ? 1 : 4;
    this.index = new PrefixIndex(this.words);
    this.trie = !lookups ? undefined : family === 4 ? new StrideTrie() : new PathTrie();
  }

  get prefixes(): number {
    return this.index.size;
  }

  get trieNodes(): number {
    return this.trie?.nodes ?? 0;
  }

  get bytes(): number {
    return (
      this.index.bytes + (this.trie?.bytes ?? 0) + this.head.byteLength + this.bestAttr.byteLength +
      this.rView.byteLength + this.rPath.byteLength + this.rAttr.byteLength + this.rNext.byteLength
    );
  }

  /**
   * Sets the route of (view, pathId) for the prefix to attribute set `attr`,
   * taking over the caller's reference. A new route (and a new prefix) only
   * when `mayAdd`.
   */
  announce(k: Uint32Array, len: number, view: number, pathId: number, attr: number, mayAdd: boolean): Announced {
    let pid = this.index.find(k, 0, len);
    if (pid >= 0) {
      for (let r = this.head[pid]!; r >= 0; r = this.rNext[r]!) {
        if (this.rView[r] !== view || this.rPath[r] !== pathId) continue;
        const old = this.rAttr[r]!;
        this.rAttr[r] = attr;
        if (this.head[pid] === r) this.bestAttr[pid] = attr;
        this.attrs.release(old);
        return Announced.Replaced;
      }
    }
    if (!mayAdd) return Announced.Refused;
    if (pid < 0) pid = this.addPrefix(k, len);
    const r = this.allocRoute();
    this.rView[r] = view;
    this.rPath[r] = pathId;
    this.rAttr[r] = attr;
    let prev = -1;
    let next = this.head[pid]!;
    while (next >= 0 && this.better(next, r)) {
      prev = next;
      next = this.rNext[next]!;
    }
    this.rNext[r] = next;
    if (prev >= 0) this.rNext[prev] = r;
    else {
      this.head[pid] = r;
      this.bestAttr[pid] = attr;
    }
    this.routes++;
    this.viewRoutes[view]++;
    return Announced.Added;
  }

  /** Removes the route of (view, pathId); false when there was none. */
  withdraw(k: Uint32Array, len: number, view: number, pathId: number): boolean {
    const pid = this.index.find(k, 0, len);
    if (pid < 0) return false;
    let prev = -1;
    for (let r = this.head[pid]!; r >= 0; prev = r, r = this.rNext[r]!) {
      if (this.rView[r] !== view || this.rPath[r] !== pathId) continue;
      this.unlink(pid, prev, r);
      this.settle(pid);
      return true;
    }
    return false;
  }

  /** Removes every path of `view` for the prefix; returns how many. */
  withdrawView(k: Uint32Array, len: number, view: number): number {
    const pid = this.index.find(k, 0, len);
    if (pid < 0) return 0;
    let removed = 0;
    let prev = -1;
    for (let r = this.head[pid]!; r >= 0; ) {
      const next = this.rNext[r]!;
      if (this.rView[r] === view) {
        this.unlink(pid, prev, r);
        removed++;
      } else prev = r;
      r = next;
    }
    if (removed) this.settle(pid);
    return removed;
  }

  /** Removes every route of the views flagged in `dying` (by slot); returns how many. */
  dropViews(dying: Uint8Array): number {
    let removed = 0;
    const lens = this.index.lens;
    for (let pid = 0; pid < this.index.highWater; pid++) {
      if (lens[pid] === 255) continue;
      let prev = -1;
      let here = 0;
      for (let r = this.head[pid]!; r >= 0; ) {
        const next = this.rNext[r]!;
        if (dying[this.rView[r]!]) {
          this.unlink(pid, prev, r);
          here++;
        } else prev = r;
        r = next;
      }
      if (here) {
        removed += here;
        this.settle(pid);
      }
    }
    return removed;
  }

  /** Attribute set of the best route for an IPv4 address (network-order word, int32), or -1. */
  lookup4(a: number): number {
    const pid = (this.trie as StrideTrie).lookup4(a);
    return pid < 0 ? -1 : this.bestAttr[pid]!;
  }

  /** Attribute set of the best route for an IPv6 address, or -1. */
  lookup6(w0: number, w1: number, w2: number, w3: number): number {
    const pid = (this.trie as PathTrie).lookup6(w0, w1, w2, w3);
    return pid < 0 ? -1 : this.bestAttr[pid]!;
  }

  /** Prefix id of the longest match (IPv4 uses w3 only), or -1. */
  match(w0: number, w1: number, w2: number, w3: number): number {
    return this.family === 4 ? (this.trie as StrideTrie).lookup4(w3) : (this.trie as PathTrie).lookup6(w0, w1, w2, w3);
  }

  /** The best route of a live prefix: view slot, path id, attribute set. */
  bestOf(pid: number): { view: number; pathId: number; attr: number } {
    const r = this.head[pid]!;
    return { view: this.rView[r]!, pathId: this.rPath[r]!, attr: this.rAttr[r]! };
  }

  prefixText(pid: number): string {
    return formatKey(this.family, this.index.keys, pid * this.words, this.index.lens[pid]!);
  }

  // ---- internals ----

  private better(a: number, b: number): boolean {
    const ra = this.ranks[this.rView[a]!]!;
    const rb = this.ranks[this.rView[b]!]!;
    return ra < rb || (ra === rb && this.rPath[a]! < this.rPath[b]!);
  }

  /** Takes route r (after prev, or the head) out of the prefix and frees it. */
  private unlink(pid: number, prev: number, r: number): void {
    if (prev < 0) this.head[pid] = this.rNext[r]!;
    else this.rNext[prev] = this.rNext[r]!;
    this.attrs.release(this.rAttr[r]!);
    this.viewRoutes[this.rView[r]!]--;
    this.routes--;
    this.rNext[r] = this.freeRoute;
    this.freeRoute = r;
  }

  /** After removals: the new head is the best; an empty prefix goes. */
  private settle(pid: number): void {
    const b = this.head[pid]!;
    if (b < 0) this.removePrefix(pid);
    else this.bestAttr[pid] = this.rAttr[b]!;
  }

  private allocRoute(): number {
    if (this.freeRoute >= 0) {
      const r = this.freeRoute;
      this.freeRoute = this.rNext[r]!;
      return r;
    }
    const r = this.routeHigh++;
    if (r >= this.rView.length) {
      this.rView = grown(this.rView, r + 1);
      this.rPath = grown(this.rPath, r + 1);
      this.rAttr = grown(this.rAttr, r + 1);
      this.rNext = grown(this.rNext, r + 1);
    }
    return r;
  }

  private addPrefix(k: Uint32Array, len: number): number {
    const pid = this.index.add(k, 0, len);
    if (pid >= this.head.length) {
      this.head = grown(this.head, this.index.capacity);
      this.bestAttr = grown(this.bestAttr, this.index.capacity);
    }
    this.head[pid] = -1;
    this.bestAttr[pid] = -1;
    this.lengthCount[len]++;
    if (len > 0) this.trie?.insert(k, 0, len, pid, this.index.lens);
    return pid;
  }

  private removePrefix(pid: number): void {
    const len = this.index.lens[pid]!;
    const ko = pid * this.words;
    if (len > 0 && this.trie) this.trie.remove(this.index.keys, ko, len, pid, this.coveringPrefix(ko, len));
    this.index.remove(pid);
    this.lengthCount[len]--;
  }

  /** The longest other prefix (length >= 1) covering the prefix whose key is at keys[ko..], or -1. */
  private coveringPrefix(ko: number, len: number): number {
    const keys = this.index.keys;
    const s = this.scratch;
    for (let l = len - 1; l >= 1; l--) {
      if (this.lengthCount[l] === 0) continue;
      for (let i = 0; i < this.words; i++) s[i] = (keys[ko + i]! & wordMask(l - 32 * i)) >>> 0;
      const id = this.index.find(s, 0, l);
      if (id >= 0) return id;
    }
    return -1;
  }
}
