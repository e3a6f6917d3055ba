// Deterministic synthetic routing tables for the RIB benchmarks: a realistic
// prefix-length mix (IPv4 mostly /24; IPv6 mostly /48 and /32 inside RIR
// allocations), unique prefixes, words in network order.

export interface Rng {
  rand(): number;
  u32(): number;
  /** A sampler of values by weight: [[value, weight], ...]. */
  weighted(table: [number, number][]): () => number;
}

/** mulberry32: small, fast, reproducible. */
export function random(seed: number): Rng {
  let s = seed | 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    rand,
    u32: () => (rand() * 4294967296) >>> 0,
    weighted(table) {
      const total = table.reduce((sum, [, w]) => sum + w, 0);
      return () => {
        let x = rand() * total;
        for (const [v, w] of table) if ((x -= w) < 0) return v;
        return table[table.length - 1]![0];
      };
    },
  };
}

/** The top `bits` bits of a 32-bit word set. */
export const mask = (bits: number) => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);

/** `n` unique IPv4 prefixes: mostly /24, then /22-/20, a tail of shorter ones and a few /25-/32. */
export function v4Table(rng: Rng, n: number): { addr: Uint32Array; len: Uint8Array } {
  const lenOf = rng.weighted([
    [24, 58], [23, 8], [22, 9], [21, 5], [20, 6], [19, 3], [18, 2.5], [17, 1.5], [16, 4], [15, 0.5], [14, 0.5],
    [13, 0.3], [12, 0.3], [11, 0.1], [10, 0.1], [9, 0.05], [8, 0.05], [25, 0.1], [26, 0.1], [27, 0.1], [28, 0.1], [29, 0.1], [30, 0.2], [32, 0.2],
  ]);
  const addr = new Uint32Array(n);
  const len = new Uint8Array(n);
  const seen = new Set<number>();
  for (let i = 0; i < n; ) {
    const l = lenOf();
    const first = 1 + Math.floor(rng.rand() * 223);
    if (first === 10 || first === 127) continue;
    const a = (((first << 24) | (rng.u32() & 0xffffff)) & mask(l)) >>> 0;
    const k = a * 64 + l;
    if (seen.has(k)) continue;
    seen.add(k);
    addr[i] = a;
    len[i++] = l;
  }
  return { addr, len };
}

/** `n` unique IPv6 prefixes inside 45k /32 allocations in the RIR blocks; 4 words per prefix (the last two 0). */
export function v6Table(rng: Rng, n: number): { words: Uint32Array; len: Uint8Array } {
  const blockOf = rng.weighted([[0x2001, 30], [0x240, 20], [0x260, 20], [0x280, 8], [0x2a0, 20], [0x2c0, 2]]);
  const allocations = Array.from({ length: 45_000 }, () => {
    const b = blockOf();
    return b === 0x2001 ? ((0x2001 << 16) | (rng.u32() & 0xffff)) >>> 0 : ((b << 20) | (rng.u32() & 0xfffff)) >>> 0;
  });
  const lenOf = rng.weighted([
    [48, 45], [32, 18], [29, 4], [44, 8], [40, 6], [36, 5], [46, 2], [47, 2], [42, 2], [45, 2], [34, 1], [33, 1],
    [28, 1], [24, 0.5], [20, 0.5], [56, 1], [64, 1],
  ]);
  const words = new Uint32Array(n * 4);
  const len = new Uint8Array(n);
  const seen = new Set<string>();
  for (let i = 0; i < n; ) {
    const l = lenOf();
    const w0 = (allocations[Math.floor(rng.rand() * allocations.length)]! & mask(l)) >>> 0;
    const w1 = (rng.u32() & mask(l - 32)) >>> 0;
    const k = `${w0}:${w1}:${l}`;
    if (seen.has(k)) continue;
    seen.add(k);
    words[i * 4] = w0;
    words[i * 4 + 1] = w1;
    len[i++] = l;
  }
  return { words, len };
}
