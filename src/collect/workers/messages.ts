// What a collector worker thread and the process say to each other.
import type { FlowProtocol } from "../decode/flow-decoder.js";
import type { CollectorHeld } from "../collector.js";
import type { EnrichSpec } from "../enrich/enrich-spec.js";
import type { Serialization } from "../format/serialization.js";
import type { ExporterCounts } from "../metrics/exporter-counters.js";

/** A worker's part of the settings (everything it needs; all structured-clonable). */
export interface WorkerSettings {
  protocol: FlowProtocol;
  host: string;
  port: number;
  format: "raw" | "common";
  serialization: Serialization;
  renormalize: boolean;
  templateTimeoutMs: number;
  ieMapping?: string;
  enrich: readonly EnrichSpec[];
  /** Rotation window: chunks never mix records of two windows. */
  intervalMs?: number;
}

export interface WorkerCounters {
  datagrams: number;
  octets: number;
  records: Record<string, number>;
  errors: Map<string, number>;
  exporters: Map<string, ExporterCounts>;
  templates: { size: number; evictions: number };
  /** Template fields and held v9 data, and what their caps let go. */
  held?: CollectorHeld;
  kernelDrops: number;
  queueDrops: number;
  /** Octets the socket still held when the stop's drain ran out of time. */
  undrainedBytes: number;
}

export type FromWorker =
  | { type: "listening"; address: string; port: number }
  | { type: "failed"; message: string }
  | { type: "chunk"; bytes: Uint8Array; items: number; windowStart: number }
  | { type: "counters"; counters: WorkerCounters }
  | { type: "stopped"; counters: WorkerCounters };

export type ToWorker = { type: "stop" };
