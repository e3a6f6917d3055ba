// Addresses as four 32-bit words in network order (most significant bit first):
// the form the prefix keys and the lookup walk use. Words travel as int32 (the
// same bits): uint32 values from 2^31 up are not small integers to V8, and
// passing them between functions would box each one on the heap.

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Network-order word (int32) of the four bytes at `o`. */
export function wordAt(a: Uint8Array, o: number): number {
  return (a[o]! << 24) | (a[o + 1]! << 16) | (a[o + 2]! << 8) | a[o + 3]!;
}

/**
 * Network-order word from a word read in host order over address bytes (the
 * flow table keeps its keys that way: a Uint32Array over the event's bytes).
 */
export const fromHostOrder: (w: number) => number = HOST_LITTLE_ENDIAN
  ? (w) => ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)
  : (w) => w | 0;

/** ::ffff:0:0/96, the IPv4-mapped block, given its first three network-order words. */
export function isMappedWords(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

/** The network-order mask of the first `bits` (0..32) bits of a word. */
export function wordMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}
