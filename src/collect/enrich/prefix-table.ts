// Longest-prefix match from prefixes to values (a CSV prefix table), on the
// RIB's structures: the exact-match prefix index gives each prefix an id, and
// the multibit tries (IPv4: 16-8-8 strides; IPv6: path-compressed 4-bit
// nodes) map an address to the id of its longest covering prefix in a few
// array reads, with no allocation. A table is built once and never changed:
// a reload builds a new one. The tries never store /0, so a /0 row is kept
// beside them as the family's answer when nothing longer covers an address.
import { isMappedWords, wordAt } from "../../rib/address-words.js";
import { PathTrie } from "../../rib/path-trie.js";
import { prefixKey, type Prefix } from "../../rib/prefix.js";
import { PrefixIndex } from "../../rib/prefix-index.js";
import { StrideTrie } from "../../rib/stride-trie.js";

class Family<V> {
  readonly index: PrefixIndex;
  readonly values: V[] = [];
  everywhere: V | undefined;

  constructor(words: 1 | 4, readonly trie: { insert(k: Uint32Array, ko: number, len: number, id: number, lens: Uint8Array): void }) {
    this.index = new PrefixIndex(words);
  }

  add(key: Uint32Array, length: number, value: V): boolean {
    if (length === 0) {
      if (this.everywhere !== undefined) return false;
      this.everywhere = value;
      return true;
    }
    if (this.index.find(key, 0, length) >= 0) return false;
    const id = this.index.add(key, 0, length);
    this.trie.insert(key, 0, length, id, this.index.lens);
    this.values[id] = value;
    return true;
  }

  get size(): number {
    return this.index.size + (this.everywhere === undefined ? 0 : 1);
  }
}

export class PrefixTable<V> {
  private readonly trie4 = new StrideTrie();
  private readonly trie6 = new PathTrie();
  private readonly v4 = new Family<V>(1, this.trie4);
  private readonly v6 = new Family<V>(4, this.trie6);
  private readonly key = new Uint32Array(4);

  /** Prefixes held, by family. */
  get sizes(): { v4: number; v6: number } {
    return { v4: this.v4.size, v6: this.v6.size };
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** Adds a prefix (host bits ignored); false when the table holds it already (the first value stays). */
  add(prefix: Prefix, value: V): boolean {
    const family = prefixKey(prefix, this.key);
    if (family === 0) throw new RangeError("not a valid prefix");
    return (family === 4 ? this.v4 : this.v6).add(this.key, prefix.length, value);
  }

  /** The value of the longest prefix covering a 16-byte address (IPv4 mapped), or undefined. */
  lookup(address: Uint8Array): V | undefined {
    if (address.length !== 16) return undefined;
    const w0 = wordAt(address, 0);
    const w1 = wordAt(address, 4);
    const w2 = wordAt(address, 8);
    const w3 = wordAt(address, 12);
    if (isMappedWords(w0, w1, w2)) {
      const id = this.trie4.lookup4(w3);
      return id >= 0 ? this.v4.values[id] : this.v4.everywhere;
    }
    const id = this.trie6.lookup6(w0, w1, w2, w3);
    return id >= 0 ? this.v6.values[id] : this.v6.everywhere;
  }
}
