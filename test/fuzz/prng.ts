// The fuzz engine's randomness: mulberry32, reseeded for every case from
// (campaign seed, case index), so any case's input is regenerated on its own
// without replaying the cases before it.

export class Prng {
  private state = 0;

  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  /** The stream of case `index` of a campaign seeded with `seed`. */
  reseed(seed: number, index: number): void {
    this.state = splitmix32((seed >>> 0) ^ splitmix32(index >>> 0) ^ Math.floor(index / 0x1_0000_0000));
  }

  /** 32 random bits, as an unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n); n up to 2^32. */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** A 32-bit finaliser (splitmix's): nearby seeds and indexes give unrelated streams. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
