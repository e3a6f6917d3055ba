// The RIB's growing typed arrays: views over resizable ArrayBuffers (ES2024,
// in Node >= 20) that grow in place. A copy-and-free growth left the freed
// arrays with the C allocator, 20-40% more RSS than the table after a full
// table was loaded; a resizable buffer is its own address-space reservation,
// its pages are committed as touched, and it goes back to the system whole.
// A buffer reserves four times what it holds (at most 4 GiB); outgrowing it
// moves the array to a bigger reservation, which is rare.

type Typed = Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedClass<T extends Typed> = { new (buffer: ArrayBufferLike): T; new (length: number): T; readonly BYTES_PER_ELEMENT: number };
/** ES2024 resizable ArrayBuffer (the project's lib is ES2023). */
type Resizable = ArrayBuffer & { readonly resizable: boolean; readonly maxByteLength: number; resize(bytes: number): void };
const ResizableBuffer = ArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => Resizable;

const MAX_RESERVATION = 2 ** 32;
const LINEAR_STEP = 1 << 20;

/** A zeroed array of `length` elements that `grown` extends in place. */
export function growable<T extends Typed>(type: TypedClass<T>, length: number): T {
  const bytes = length * type.BYTES_PER_ELEMENT;
  if (bytes * 4 > MAX_RESERVATION) return new type(length);
  return new type(new ResizableBuffer(bytes, { maxByteLength: Math.max(bytes * 4, 1 << 16) }));
}

/**
 * `a` with room for at least `needed` elements: the same array when its
 * reservation allows, else a bigger copy. Small arrays double, big ones grow
 * by a million elements (the untouched part costs no memory, only accounting).
 */
export function grown<T extends Typed>(a: T, needed: number): T {
  const length = Math.max(needed, a.length + Math.min(Math.max(a.length, 16), LINEAR_STEP));
  const bytes = length * a.BYTES_PER_ELEMENT;
  const buffer = a.buffer as Resizable;
  if (buffer.resizable && bytes <= buffer.maxByteLength) {
    buffer.resize(bytes);
    return a;
  }
  const b = growable(a.constructor as TypedClass<T>, length);
  b.set(a as never);
  return b;
}
