// Ring batches as the agent drains them: every whole 64-byte event through
// decodeEvent, the batch through FlowTable.ingest (which reads the event
// words in place) with the Prometheus rollups observing, and now and then an
// idle/active sweep or a flush, as the agent's timers and `rfm flows flush`
// do. The table is small, so forced eviction runs too. Seeds: events the BPF
// program wrote for frames of every shape it parses (captured with
// BPF_PROG_TEST_RUN), alone and as batches.
// Contract: ingest, sweep and flush never throw, the table never holds more
// than maxFlows, records carry finite counts and ordered times; decodeEvent
// throws nothing but ShortEventError, and only when fewer than 64 bytes are left.
import { decodeEvent, ShortEventError } from "../../../src/bpf/event.js";
import { EV, EVENT_SIZE } from "../../../src/bpf/layout.js";
import { Rollups } from "../../../src/flow/rollups.js";
import { FlowTable } from "../../../src/flow/table.js";
import { EndReason, type AgentFlowRecord } from "../../../src/flow-record/index.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const MAX_FLOWS = 64;
const EVICTION_MS = 30_000;
const BOOT_OFFSET_MS = 1_700_000_000_000;

/** The fields that size things (lengths, counts, the sample rate) and the ifindex, in every event. */
function lengthFields(batch: Uint8Array): LengthField[] {
  const out: LengthField[] = [];
  for (let e = 0; e + EVENT_SIZE <= batch.length; e += EVENT_SIZE) {
    out.push(
      { offset: e + EV.len, width: 4, littleEndian: true },
      { offset: e + EV.segs, width: 2, littleEndian: true },
      { offset: e + EV.l2Len, width: 1 },
      { offset: e + EV.sampleRate, width: 4, littleEndian: true },
      { offset: e + EV.ifindex, width: 4, littleEndian: true },
      { offset: e + EV.flags, width: 2, littleEndian: true },
    );
  }
  return out;
}

function checkRecord(r: AgentFlowRecord): void {
  const counts = [r.packets, r.bytes, r.ipBytes, r.sampledPackets, r.sampledBytes, r.sampledIpBytes, r.startMs, r.endMs];
  if (!counts.every(Number.isFinite)) violation(`a record with counts or times not finite: ${counts.join(" ")}`);
  if (!(r.packets > 0)) violation(`a record of ${r.packets} packets`);
  if (!(r.startMs <= r.endMs)) violation(`a record that ends (${r.endMs}) before it starts (${r.startMs})`);
  if (r.src.length !== 16 || r.dst.length !== 16) violation("a record address not of 16 bytes");
  if (!(r.sport >= 0 && r.sport <= 0xffff && r.dport >= 0 && r.dport <= 0xffff)) violation(`ports ${r.sport} ${r.dport}`);
}

/** A live flow's snapshot: cumulative, so only its shape and finiteness are known. */
function checkLive(r: AgentFlowRecord): void {
  if (r.src.length !== 16 || r.dst.length !== 16) violation("a live flow address not of 16 bytes");
  if (!Number.isFinite(r.packets) || !Number.isFinite(r.bytes)) violation(`a live flow of ${r.packets} packets, ${r.bytes} bytes`);
}

export function ringEventTarget(): FuzzTarget {
  const file = "ring-events.bin";
  const events = capture(file);
  const seeds: Seed[] = [{ name: `${file} whole`, bytes: events, lengthFields: lengthFields(events) }];
  for (let e = 0; e < events.length; e += EVENT_SIZE) {
    const one = events.subarray(e, e + EVENT_SIZE);
    seeds.push({ name: `${file} #${e / EVENT_SIZE}`, bytes: one, lengthFields: lengthFields(one) });
  }
  const reached = new Map<string, number>();
  const sink = (records: AgentFlowRecord[]) => {
    for (const r of records) {
      checkRecord(r);
      count(reached, `reason ${r.reason}`);
    }
  };
  const fresh = () => new FlowTable({ maxFlows: MAX_FLOWS, evictionTimeoutMs: EVICTION_MS, activeTimeoutMs: 60_000, sink, observer: new Rollups(MAX_FLOWS, MAX_FLOWS, 10 * EVICTION_MS) });
  let table = fresh();
  return {
    name: "ring-event",
    contract: "FlowTable.ingest never throws and keeps its bounds; decodeEvent throws only ShortEventError",
    seeds,
    // The addon's batch buffer is aligned: ingest reads it as 32-bit words.
    mutator: { maxLength: 256 * EVENT_SIZE, aligned: true },
    epoch: 1000,
    reached,
    reset() {
      table = fresh();
    },
    run(batch, rng) {
      const n = Math.floor(batch.length / EVENT_SIZE);
      for (let i = 0; i < n; i++) decodeEvent(batch, i * EVENT_SIZE);
      if (batch.length % EVENT_SIZE !== 0) {
        try {
          decodeEvent(batch, n * EVENT_SIZE);
          violation(`decodeEvent read an event from the last ${batch.length % EVENT_SIZE} bytes`);
        } catch (e) {
          if (!(e instanceof ShortEventError)) throw e;
          count(reached, "short event");
        }
      }
      table.ingest(batch, n, BOOT_OFFSET_MS);
      if (table.size > MAX_FLOWS) violation(`${table.size} flows in a table of ${MAX_FLOWS}`);
      if (table.forcedEvictions > 0) count(reached, "forced evictions");
      if (rng.chance(0.05)) table.sweep(rng.chance(0.5) ? BOOT_OFFSET_MS + rng.u32() * 1000 : Number.MAX_VALUE, 1 + rng.int(MAX_FLOWS));
      if (rng.chance(0.01)) {
        const proto = rng.int(256);
        table.flushWhere((id) => table.protoOf(id) === proto || table.describe(id).sport === proto, EndReason.Forced);
      }
      // What `rfm flows dump` reads.
      if (rng.chance(0.05)) table.forEach((id) => checkLive(table.describe(id)));
    },
  };
}
