// A format turns records (or, for raw, decoded datagrams) into the bytes of
// a file. Each file (or standard output) gets its own encoder: `begin` is
// what opens the file (a CSV header, a Parquet magic), `end` what closes it
// (a Parquet footer), `records` the bytes for one batch (a format that
// groups rows may hold them and return nothing until it has a group).
import type { FlowRecord } from "../../flow-record/index.js";
import type { DecodedDatagram } from "../decode/flow-decoder.js";

export type Chunk = string | Uint8Array;

export interface FileEncoder<T> {
  begin(): Chunk;
  encode(batch: readonly T[]): Chunk;
  end(): Chunk | Promise<Chunk>;
}

export interface Format<T> {
  /** File name extension, without the dot. */
  readonly extension: string;
  /** False for formats that cannot stream to a pipe (Parquet's footer points back into the file). */
  readonly streams: boolean;
  open(): FileEncoder<T>;
}

export type RecordFormat = Format<FlowRecord>;
export type DatagramFormat = Format<DecodedDatagram>;
