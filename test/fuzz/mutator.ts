// Case inputs for the fuzz engine: seeds cut at every offset, random bytes,
// and seeds under stacked mutations (bit flips, interesting values, length
// fields rewritten, cuts, runs inserted and removed, chunks repeated or
// spliced in from other seeds, dictionary tokens). Everything is written into
// one reused work buffer, so a case allocates nothing but its view.
import type { Prng } from "./prng.js";

/** A length or count field of a seed, so mutations can aim at what decoders trust most. */
export interface LengthField {
  offset: number;
  width: 1 | 2 | 4;
  littleEndian?: boolean;
}

export interface Seed {
  /** Where it came from (capture file and message number, or builder). */
  name: string;
  bytes: Uint8Array;
  lengthFields: readonly LengthField[];
}

export interface MutatorOptions {
  /** Inputs never grow past this. */
  maxLength: number;
  /** Tokens of the format (TOML, JSON) that random bytes would rarely spell. */
  dictionary?: readonly Uint8Array[];
  /**
   * Inputs start 4-byte aligned (the ring's batches do). Otherwise they start
   * 0 to 7 octets into the buffer, so a decoder that ignores byteOffset shows.
   */
  aligned?: boolean;
}

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20, 0x40, 0x81, 0x3f];
const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const WIDTHS = [1, 2, 4] as const;

/** Of every RANDOM_PERCENT cases, one in a hundred is plain random bytes; VERBATIM_PERCENT are seeds unchanged (state for the next ones). */
const RANDOM_PERCENT = 3;
const VERBATIM_PERCENT = 7;
/** Every TRUNCATION_EVERY-th case cuts a seed, until every seed was cut at every offset. */
const TRUNCATION_EVERY = 4;

export class Mutator {
  /** Cases that cut a seed short, one per seed octet. */
  readonly truncations: number;
  private readonly work: Uint8Array;
  private readonly scratch: Uint8Array;
  /** Seed index by truncation number: seed i is cut from truncationStart[i] on. */
  private readonly truncationStart: number[] = [];
  private start = 0;
  private len = 0;
  private seed: Seed;

  constructor(
    readonly seeds: readonly Seed[],
    private readonly opts: MutatorOptions,
  ) {
    if (seeds.length === 0) throw new Error("a fuzz target needs at least one seed");
    this.work = new Uint8Array(opts.maxLength + 8);
    this.scratch = new Uint8Array(opts.maxLength);
    let n = 0;
    for (const s of seeds) {
      this.truncationStart.push(n);
      n += Math.min(s.bytes.length, opts.maxLength);
    }
    this.truncations = n;
    this.seed = seeds[0];
  }

  /** The input of case `index`; `rng` is that case's stream, and the target goes on drawing from it. */
  input(index: number, rng: Prng): Uint8Array {
    const t = index / TRUNCATION_EVERY;
    if (Number.isInteger(t) && t < this.truncations) return this.truncated(t);
    this.start = this.opts.aligned ? 0 : rng.int(8);
    const roll = rng.int(100);
    if (roll < RANDOM_PERCENT) {
      this.len = rng.int(Math.min(this.opts.maxLength, 1024) + 1);
      this.fillRandom(0, this.len, rng);
    } else {
      this.load(rng.pick(this.seeds));
      if (roll >= RANDOM_PERCENT + VERBATIM_PERCENT) {
        let rounds = 1;
        while (rounds < 8 && rng.chance(0.45)) rounds++;
        for (let k = 0; k < rounds; k++) this.mutate(rng);
      }
    }
    return this.work.subarray(this.start, this.start + this.len);
  }

  /** Truncation number t: seed i cut at every offset from 0 to its length - 1. */
  private truncated(t: number): Uint8Array {
    let i = this.truncationStart.length - 1;
    while (this.truncationStart[i] > t) i--;
    this.start = this.opts.aligned ? 0 : t % 8;
    this.load(this.seeds[i]);
    this.len = t - this.truncationStart[i];
    return this.work.subarray(this.start, this.start + this.len);
  }

  private load(seed: Seed): void {
    this.seed = seed;
    this.len = Math.min(seed.bytes.length, this.opts.maxLength);
    this.work.set(seed.bytes.subarray(0, this.len), this.start);
  }

  private mutate(rng: Prng): void {
    const len = this.len;
    const at = rng.int(len);
    switch (rng.int(16)) {
      case 0:
      case 1:
        for (let i = 1 + rng.int(4); i > 0 && len > 0; i--) this.work[this.start + rng.int(len)] ^= 1 << rng.int(8);
        return;
      case 2:
        if (len > 0) this.work[this.start + at] = rng.pick(INTERESTING_8);
        return;
      case 3:
        return this.writeInt(at, 2, rng.chance(0.5) ? rng.pick(INTERESTING_16) : this.lengthish(at, rng), rng.chance(0.3));
      case 4:
        return this.writeInt(at, 4, rng.chance(0.5) ? rng.pick(INTERESTING_32) : this.lengthish(at, rng), rng.chance(0.3));
      case 5:
        if (len > 0) this.work[this.start + at] = rng.u32() & 0xff;
        return;
      case 6: {
        const width = rng.pick(WIDTHS);
        const little = rng.chance(0.3);
        const delta = (1 + rng.int(35)) * (rng.chance(0.5) ? 1 : -1);
        return this.writeInt(at, width, this.readInt(at, width, little) + delta, little);
      }
      case 7:
      case 8:
        return this.lengthField(rng);
      case 9:
        this.len = at;
        return;
      case 10: {
        const n = rng.chance(0.9) ? 1 + rng.int(64) : 1 + rng.int(1024);
        const where = rng.int(len + 1);
        const got = this.insert(where, n);
        if (rng.chance(0.5)) this.fillRandom(where, got, rng);
        else this.work.fill(rng.chance(0.5) ? rng.pick(INTERESTING_8) : rng.u32() & 0xff, this.start + where, this.start + where + got);
        return;
      }
      case 11:
        return this.remove(at, 1 + rng.int(rng.chance(0.8) ? 16 : 256));
      case 12: {
        // A chunk of this input again somewhere else (repeated TLVs, attributes, records).
        const n = Math.min(len - at, 1 + rng.int(128));
        if (n <= 0) return;
        this.scratch.set(this.work.subarray(this.start + at, this.start + at + n));
        return this.paste(this.scratch.subarray(0, n), rng.int(len + 1));
      }
      case 13: {
        // A chunk of another seed, inserted or written over.
        const other = rng.pick(this.seeds).bytes;
        if (other.length === 0) return;
        const from = rng.int(other.length);
        const chunk = other.subarray(from, from + 1 + rng.int(256));
        if (rng.chance(0.5)) return this.paste(chunk, rng.int(len + 1));
        return this.overwrite(chunk, at);
      }
      case 14: {
        // This input's head on another seed's tail.
        const other = rng.pick(this.seeds).bytes;
        const cut = rng.int(len + 1);
        const from = rng.int(other.length + 1);
        const n = Math.min(other.length - from, this.opts.maxLength - cut);
        this.work.set(other.subarray(from, from + n), this.start + cut);
        this.len = cut + n;
        return;
      }
      default: {
        const dict = this.opts.dictionary;
        if (!dict || dict.length === 0) return this.writeInt(at, 2, this.lengthish(at, rng), false);
        const token = rng.pick(dict);
        // Half the time at the start of a line: where TOML keys and tables go.
        let where = rng.int(len + 1);
        if (rng.chance(0.5)) {
          const nl = this.work.subarray(this.start + where, this.start + len).indexOf(0x0a);
          where = nl < 0 ? len : where + nl + 1;
        }
        if (rng.chance(0.7)) return this.paste(token, where);
        return this.overwrite(token, Math.min(where, len));
      }
    }
  }

  /** Aims at a length field the seed declares (or any 16-bit word when it declares none). */
  private lengthField(rng: Prng): void {
    const fields = this.seed.lengthFields;
    let f: LengthField | undefined;
    for (let tries = 0; tries < 4 && fields.length > 0; tries++) {
      const c = rng.pick(fields);
      if (c.offset + c.width <= this.len) {
        f = c;
        break;
      }
    }
    if (!f) return this.writeInt(rng.int(this.len), 2, this.lengthish(0, rng), false);
    const v = this.readInt(f.offset, f.width, f.littleEndian ?? false);
    const after = this.len - f.offset - f.width;
    const max = f.width === 4 ? 0xffffffff : (1 << (8 * f.width)) - 1;
    this.writeInt(f.offset, f.width, this.lengthValue(v, max, after, rng), f.littleEndian ?? false);
  }

  /** A new value for a length field holding v: off by one or a few, the extremes, doubled or halved, what is left after it, or anything. */
  private lengthValue(v: number, max: number, after: number, rng: Prng): number {
    const small = 1 + rng.int(16);
    switch (rng.int(13)) {
      case 0: return v + 1;
      case 1: return v - 1;
      case 2: return v + small;
      case 3: return v - small;
      case 4: return 0;
      case 5: return max;
      case 6: return v * 2;
      case 7: return v >>> 1;
      case 8: return after;
      case 9: return after + 1;
      case 10: return after - 1;
      case 11: return this.len;
      default: return rng.u32();
    }
  }

  /** A value a length near this position could have: the input's length or what is left after it, off by one or not. */
  private lengthish(at: number, rng: Prng): number {
    const base = rng.chance(0.5) ? this.len : this.len - at;
    return base + rng.int(3) - 1;
  }

  private readInt(at: number, width: 1 | 2 | 4, little: boolean): number {
    if (at + width > this.len) return 0;
    const w = this.work;
    const p = this.start + at;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + w[p + (little ? width - 1 - i : i)];
    return v;
  }

  private writeInt(at: number, width: 1 | 2 | 4, value: number, little: boolean): void {
    if (at + width > this.len) return;
    const w = this.work;
    const p = this.start + at;
    let v = value >>> 0;
    for (let i = width - 1; i >= 0; i--) {
      w[p + (little ? width - 1 - i : i)] = v & 0xff;
      v >>>= 8;
    }
  }

  private fillRandom(at: number, n: number, rng: Prng): void {
    const w = this.work;
    const end = this.start + at + n;
    for (let p = this.start + at; p < end; p++) w[p] = rng.u32() & 0xff;
  }

  /** Opens a gap of up to n octets at `at` (inputs stay within maxLength); returns its size. */
  private insert(at: number, n: number): number {
    const room = Math.min(n, this.opts.maxLength - this.len);
    if (room <= 0) return 0;
    const p = this.start + at;
    this.work.copyWithin(p + room, p, this.start + this.len);
    this.len += room;
    return room;
  }

  private paste(chunk: Uint8Array, at: number): void {
    const n = this.insert(at, chunk.length);
    this.work.set(chunk.subarray(0, n), this.start + at);
  }

  private overwrite(chunk: Uint8Array, at: number): void {
    const n = Math.min(chunk.length, this.opts.maxLength - at);
    this.work.set(chunk.subarray(0, n), this.start + at);
    this.len = Math.max(this.len, at + n);
  }

  private remove(at: number, n: number): void {
    const end = Math.min(this.len, at + n);
    this.work.copyWithin(this.start + at, this.start + end, this.start + this.len);
    this.len -= end - at;
  }
}
