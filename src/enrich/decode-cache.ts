// mmdb-lib decodes a record on every lookup unless given a cache keyed by the
// record's offset. Many networks share few records (one per ASN or city), so
// a small cache makes repeated lookups allocation-free.

/** A Map that is emptied when full: cheaper than LRU bookkeeping per lookup. */
export class DecodeCache {
  private readonly entries = new Map<string | number, unknown>();

  constructor(private readonly capacity: number) {}

  get(key: string | number): unknown {
    return this.entries.get(key);
  }

  set(key: string | number, value: unknown): void {
    if (this.entries.size >= this.capacity) this.entries.clear();
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
