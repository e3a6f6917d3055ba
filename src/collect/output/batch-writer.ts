// The output stage: a writer takes batches of what a format encodes and puts
// the bytes somewhere (standard output, one file, a directory of rotated
// files, where each item's arrival time picks its file).
export interface OutputStats {
  /** Items (records, or datagrams for raw) handed to the format. */
  items: number;
  bytes: number;
  files: number;
  writeErrors: number;
}

export interface BatchWriter<T> {
  readonly stats: OutputStats;
  write(batch: readonly T[]): Promise<void>;
  /**
   * Writes what a worker thread already encoded with the same format (a
   * streaming one), `items` of them, all from the window starting at
   * `windowStart` (ignored without rotation).
   */
  writeEncoded?(chunk: Uint8Array, items: number, windowStart: number): Promise<void>;
  /** Ends what a window that is over left open (rotating writers). */
  tick?(nowMs: number): Promise<void>;
  /** Ends every open file (footers written, temporary names renamed). */
  close(): Promise<void>;
}

export function emptyOutputStats(): OutputStats {
  return { items: 0, bytes: 0, files: 0, writeErrors: 0 };
}
