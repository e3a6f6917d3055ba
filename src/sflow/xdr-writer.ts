// The encoder's output: XDR words appended to a buffer that grows, with
// length words reserved and filled in once what they measure is written.
export class XdrWriter {
  private buf = new Uint8Array(512);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.length, v);
    this.length += 4;
  }

  u64(v: bigint): void {
    this.room(8);
    this.view.setBigUint64(this.length, v);
    this.length += 8;
  }

  /** Octets as they are, then zeros to the next multiple of 4. */
  fixed(b: Uint8Array): void {
    const n = b.length + ((4 - (b.length % 4)) % 4);
    this.room(n);
    this.buf.set(b, this.length);
    this.buf.fill(0, this.length + b.length, this.length + n);
    this.length += n;
  }

  /** Variable-length opaque: its length, the octets, the padding. */
  opaque(b: Uint8Array): void {
    this.u32(b.length);
    this.fixed(b);
  }

  /** A length word to fill later with patch(). */
  reserve(): number {
    this.u32(0);
    return this.length - 4;
  }

  /** Sets the reserved word at `at` to the octets written since it. */
  patch(at: number): void {
    this.view.setUint32(at, this.length - at - 4);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
