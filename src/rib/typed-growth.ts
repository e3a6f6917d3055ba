// Growing the RIB's typed arrays: a bigger copy, the tail zeroed. Doubling keeps
// the copies amortised; the untouched tail of a large array costs address space,
// not resident memory.
type Typed = Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `a` with room for at least `needed` elements (at least twice the old length). */
export function grown<T extends Typed>(a: T, needed: number): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(needed, a.length * 2, 16));
  b.set(a as never);
  return b;
}
