// IP fragment reassembly for capture files: the fragments of one datagram
// (same source, destination, protocol and identification) joined in offset
// order once the last one and every hole are in. Bounded: at most
// `maxDatagrams` incomplete datagrams and `maxOctets` held in all (each
// fragment's payload plus FRAGMENT_OVERHEAD for what keeping it costs), the
// oldest datagram going first, counted; each datagram no larger than 65,535
// octets of payload in at most `maxFragments` fragments.

interface Partial {
  pieces: { offset: number; bytes: Uint8Array }[];
  /** Payload length once the last fragment (more-fragments clear) arrived; -1 before. */
  total: number;
  have: number;
  /** What it counts against maxOctets. */
  held: number;
}

export interface ReassemblyStats {
  /** Datagrams completed from fragments. */
  reassembled: number;
  /** Incomplete datagrams dropped to stay under the caps. */
  evicted: number;
  /** Fragments that overlap, run past 65,535, contradict the known total, carry nothing but are not the last, or are one too many for their datagram; each drops its datagram. */
  bad: number;
}

const MAX_PAYLOAD = 65_535;
/** What one fragment held costs besides its payload (its object and view), counted against the octet cap. */
export const FRAGMENT_OVERHEAD = 64;

export class IpReassembly {
  readonly stats: ReassemblyStats = { reassembled: 0, evicted: 0, bad: 0 };
  // Map order is arrival order: the first key is the oldest.
  private readonly partial = new Map<string, Partial>();
  private held = 0;

  constructor(
    readonly maxDatagrams = 1024,
    /** Octets held in all, overhead included (default 16 MiB). */
    readonly maxOctets = 16 << 20,
    /** Fragments of one datagram (a 65,535-octet datagram cut at a 576-octet MTU takes 120). */
    readonly maxFragments = 1024,
  ) {}

  get pending(): number {
    return this.partial.size;
  }

  /** Octets held for incomplete datagrams, counted as the cap counts them. */
  get heldOctets(): number {
    return this.held;
  }

  /**
   * Adds one fragment's payload (`offset` in octets, `more` = the MF flag);
   * returns the whole payload once complete, else undefined.
   */
  add(key: string, offset: number, more: boolean, bytes: Uint8Array): Uint8Array | undefined {
    const end = offset + bytes.length;
    let p = this.partial.get(key);
    if (
      end > MAX_PAYLOAD || (more && bytes.length === 0) ||
      (p && (p.pieces.length >= this.maxFragments || (p.total >= 0 && end > p.total) || (!more && (p.total >= 0 || p.pieces.some((x) => x.offset + x.bytes.length > end))) || overlaps(p, offset, end)))
    ) {
      this.stats.bad++;
      if (p) this.drop(key, p);
      return undefined;
    }
    const cost = bytes.length + FRAGMENT_OVERHEAD;
    if (!p) {
      p = { pieces: [], total: -1, have: 0, held: 0 };
      this.partial.set(key, p);
    }
    // Room for this one: the oldest others go first (and this datagram itself, when it alone is too large).
    while (this.partial.size > this.maxDatagrams || this.held + cost > this.maxOctets) {
      let victim: [string, Partial] | undefined;
      for (const e of this.partial) {
        if (e[1] !== p) {
          victim = e;
          break;
        }
      }
      this.stats.evicted++;
      if (!victim) {
        this.drop(key, p);
        return undefined;
      }
      this.drop(victim[0], victim[1]);
    }
    p.pieces.push({ offset, bytes: bytes.slice() });
    p.have += bytes.length;
    p.held += cost;
    this.held += cost;
    if (!more) p.total = end;
    if (p.total < 0 || p.have !== p.total) return undefined;
    this.drop(key, p);
    const out = new Uint8Array(p.total);
    for (const x of p.pieces) out.set(x.bytes, x.offset);
    this.stats.reassembled++;
    return out;
  }

  private drop(key: string, p: Partial): void {
    this.partial.delete(key);
    this.held -= p.held;
  }
}

function overlaps(p: Partial, offset: number, end: number): boolean {
  for (const x of p.pieces) if (offset < x.offset + x.bytes.length && x.offset < end) return true;
  return false;
}
