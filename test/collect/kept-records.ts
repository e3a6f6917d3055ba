// An output stage for tests: keeps every record the collector hands it.
import { emptyOutputStats, type BatchWriter } from "../../src/collect/output/batch-writer.js";
import type { FlowRecord } from "../../src/flow-record/index.js";

export class KeptRecords implements BatchWriter<FlowRecord> {
  readonly stats = emptyOutputStats();
  readonly records: FlowRecord[] = [];
  write(batch: readonly FlowRecord[]): Promise<void> {
    this.records.push(...batch);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
