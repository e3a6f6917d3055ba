// A format turns one batch of records (or decoded datagrams, for raw) into
// text for the output; `header` is written once at the top of each file.
import type { FlowRecord } from "../../flow-record/index.js";
import type { DecodedDatagram } from "../decode/flow-decoder.js";

export interface RecordFormatter {
  readonly extension: string;
  header(): string;
  records(batch: readonly FlowRecord[]): string;
}

export interface DatagramFormatter {
  readonly extension: string;
  datagrams(batch: readonly DecodedDatagram[]): string;
}
