// A cursor over one span of the datagram (the datagram, a sample, a record):
// reads big-endian XDR words from `pos`. Callers ask has(n) before reading
// (the span's end is the sample's or record's, inside the datagram); the
// reads do not check again.
export class XdrReader {
  readonly view: DataView;
  pos = 0;
  end: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
  }

  /** Narrows the cursor to [pos, end); returns the previous end to restore. */
  span(pos: number, end: number): number {
    const outer = this.end;
    this.pos = pos;
    this.end = end;
    return outer;
  }

  get left(): number {
    return this.end - this.pos;
  }

  has(n: number): boolean {
    return this.end - this.pos >= n;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** n octets as a view (no copy), then the XDR padding. */
  take(n: number, paddedLength: number): Uint8Array {
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += paddedLength;
    return v;
  }
}
