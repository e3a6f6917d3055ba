// IP fragment reassembly for capture files: the fragments of one datagram
// (same source, destination, protocol and identification) joined in offset
// order once the last one and every hole are in. Bounded: at most
// `maxDatagrams` incomplete datagrams (the oldest goes, counted) and each
// no larger than 65,535 octets of payload.

interface Partial {
  pieces: { offset: number; bytes: Uint8Array }[];
  /** Payload length once the last fragment (more-fragments clear) arrived; -1 before. */
  total: number;
  have: number;
}

export interface ReassemblyStats {
  /** Datagrams completed from fragments. */
  reassembled: number;
  /** Incomplete datagrams dropped to stay under the cap. */
  evicted: number;
  /** Fragments that overlap, run past 65,535 or contradict the known total. */
  bad: number;
}

const MAX_PAYLOAD = 65_535;

export class IpReassembly {
  readonly stats: ReassemblyStats = { reassembled: 0, evicted: 0, bad: 0 };
  // Map order is arrival order: the first key is the oldest.
  private readonly partial = new Map<string, Partial>();

  constructor(private readonly maxDatagrams = 1024) {}

  get pending(): number {
    return this.partial.size;
  }

  /**
   * Adds one fragment's payload (`offset` in octets, `more` = the MF flag);
   * returns the whole payload once complete, else undefined.
   */
  add(key: string, offset: number, more: boolean, bytes: Uint8Array): Uint8Array | undefined {
    let p = this.partial.get(key);
    if (!p) {
      if (this.partial.size >= this.maxDatagrams) {
        const oldest = this.partial.keys().next().value as string;
        this.partial.delete(oldest);
        this.stats.evicted++;
      }
      p = { pieces: [], total: -1, have: 0 };
      this.partial.set(key, p);
    }
    const end = offset + bytes.length;
    if (end > MAX_PAYLOAD || (p.total >= 0 && end > p.total) || (!more && (p.total >= 0 || p.pieces.some((x) => x.offset + x.bytes.length > end)))) {
      this.stats.bad++;
      this.partial.delete(key);
      return undefined;
    }
    for (const x of p.pieces) {
      if (offset < x.offset + x.bytes.length && x.offset < end) {
        this.stats.bad++;
        this.partial.delete(key);
        return undefined;
      }
    }
    p.pieces.push({ offset, bytes: bytes.slice() });
    p.have += bytes.length;
    if (!more) p.total = end;
    if (p.total < 0 || p.have !== p.total) return undefined;
    this.partial.delete(key);
    const out = new Uint8Array(p.total);
    for (const x of p.pieces) out.set(x.bytes, x.offset);
    this.stats.reassembled++;
    return out;
  }
}
