// The flow table aggregates sampled events per 5-tuple+interface+direction,
// scales each event by the rate that sampled it, and hands records to the sink
// on idle/active timeouts, when full, and on flush.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { FlowTable } from "../../src/flow/table.js";
import { EndReason, type AgentFlowRecord } from "../../src/flow-record/index.js";
import { formatAddress } from "../../src/net/address.js";
import { batch, ev } from "./batch.js";

function table(over: Partial<ConstructorParameters<typeof FlowTable>[0]> = {}) {
  const records: AgentFlowRecord[] = [];
  const t = new FlowTable({ maxFlows: 16, evictionTimeoutMs: 30_000, activeTimeoutMs: 0, sink: (r) => records.push(...r), ...over });
  return { t, records };
}

describe("flow table", () => {
  test("events of one flow aggregate; another port is another flow", () => {
    const { t } = table();
    const b = batch([ev(), ev({ ms: 1001 }), ev({ sport: 40001 })]);
    t.ingest(b, 3, 0);
    assert.equal(t.size, 2);
    const flows: AgentFlowRecord[] = [];
    t.forEach((id) => flows.push(t.describe(id)));
    const a = flows.find((f) => f.sport === 40000)!;
    assert.equal(a.packets, 2);
    assert.equal(a.bytes, 228);
    assert.equal(a.ipBytes, 200, "IP bytes leave the 14-byte Ethernet header out");
    assert.equal(formatAddress(a.src), "10.0.0.1");
    assert.equal(a.startMs, 1000);
    assert.equal(a.endMs, 1001);
  });

  test("direction and interface are part of the key", () => {
    const { t } = table();
    t.ingest(batch([ev(), ev({ dir: 1 }), ev({ ifindex: 3 })]), 3, 0);
    assert.equal(t.size, 3);
  });

  test("each event is scaled by the sample rate it was sampled at", () => {
    const { t } = table();
    t.ingest(batch([ev({ sampleRate: 10 }), ev({ sampleRate: 10 }), ev({ sampleRate: 1, segs: 3, len: 342 })]), 3, 0);
    let r: AgentFlowRecord | undefined;
    t.forEach((id) => (r = t.describe(id)));
    assert.equal(r!.packets, 10 + 10 + 3);
    assert.equal(r!.sampledPackets, 5);
    assert.equal(r!.bytes, 1140 + 1140 + 342);
    assert.equal(r!.ipBytes, 1000 + 1000 + 300);
  });

  test("a flow idle for the eviction timeout leaves with reason idle", () => {
    const { t, records } = table({ evictionTimeoutMs: 5000 });
    t.ingest(batch([ev({ ms: 1000 }), ev({ ms: 1000, sport: 1 })]), 2, 0);
    t.ingest(batch([ev({ ms: 4000, sport: 1 })]), 1, 0);
    t.sweep(5999);
    assert.equal(records.length, 0);
    t.sweep(6000);
    assert.equal(records.length, 1);
    assert.equal(records[0].sport, 40000);
    assert.equal(records[0].reason, EndReason.Idle);
    assert.equal(t.size, 1);
  });

  test("a full table evicts the least recently seen flow with reason lack of resources", () => {
    const { t, records } = table({ maxFlows: 3 });
    t.ingest(batch([ev({ sport: 1, ms: 1 }), ev({ sport: 2, ms: 2 }), ev({ sport: 3, ms: 3 }), ev({ sport: 1, ms: 4 })]), 4, 0);
    t.ingest(batch([ev({ sport: 4, ms: 5 })]), 1, 0);
    assert.equal(t.size, 3);
    assert.equal(t.forcedEvictions, 1);
    assert.equal(records.length, 1);
    assert.equal(records[0].sport, 2, "port 1 was seen again, so port 2 is the oldest");
    assert.equal(records[0].reason, EndReason.LackOfResources);
  });

  test("a long flow yields interval records of deltas every active timeout", () => {
    const { t, records } = table({ activeTimeoutMs: 60_000, evictionTimeoutMs: 50_000 });
    t.ingest(batch([ev({ ms: 0 }), ev({ ms: 10_000 })]), 2, 0);
    t.ingest(batch([ev({ ms: 50_000 })]), 1, 0);
    t.sweep(59_999);
    assert.equal(records.length, 0);
    t.sweep(60_000);
    assert.equal(records.length, 1);
    assert.deepEqual([records[0].reason, records[0].packets, records[0].startMs, records[0].endMs], [EndReason.Active, 3, 0, 50_000]);
    t.ingest(batch([ev({ ms: 70_000 }), ev({ ms: 80_000 })]), 2, 0);
    t.sweep(120_000);
    assert.equal(records.length, 2);
    assert.deepEqual([records[1].reason, records[1].packets, records[1].startMs, records[1].endMs], [EndReason.Active, 2, 70_000, 80_000]);
    t.sweep(200_000);
    assert.equal(t.size, 0, "then idle eviction");
    assert.equal(records.length, 2, "nothing new since the last interval: no empty record");
  });

  test("flushAll exports every flow with reason forced end and empties the table", () => {
    const { t, records } = table();
    t.ingest(batch([ev({ sport: 1 }), ev({ sport: 2 })]), 2, 0);
    assert.equal(t.flushAll(), 2);
    assert.equal(t.size, 0);
    assert.ok(records.every((r) => r.reason === EndReason.Forced));
  });

  test("IPv6 addresses and the boot-clock offset", () => {
    const { t } = table();
    t.ingest(batch([ev({ srcText: "2001:db8::1", dstText: "fd77::2", ms: 5 })]), 1, 1_700_000_000_000);
    let r: AgentFlowRecord | undefined;
    t.forEach((id) => (r = t.describe(id)));
    assert.equal(formatAddress(r!.src), "2001:db8::1");
    assert.equal(formatAddress(r!.dst), "fd77::2");
    assert.equal(r!.family, 6);
    assert.equal(r!.startMs, 1_700_000_000_005);
  });

  test("property: the table agrees with a simple model under random traffic and eviction", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ port: fc.integer({ min: 1, max: 40 }), segs: fc.integer({ min: 1, max: 3 }), sweep: fc.boolean() }), { maxLength: 300 }),
        (ops) => {
          const maxFlows = 8;
          const { t, records } = table({ maxFlows, evictionTimeoutMs: 50 });
          const model = new Map<number, { pk: number; last: number }>();
          const exported = new Map<number, number>();
          let now = 0;
          const credit = (port: number, pk: number) => exported.set(port, (exported.get(port) ?? 0) + pk);
          for (const op of ops) {
            now += 10;
            t.ingest(batch([ev({ sport: op.port, segs: op.segs, len: 100 * op.segs, ms: now })]), 1, 0);
            if (!model.has(op.port) && model.size === maxFlows) {
              const [oldest] = [...model.entries()].sort((a, b) => a[1].last - b[1].last)[0];
              credit(oldest, model.get(oldest)!.pk);
              model.delete(oldest);
            }
            const m = model.get(op.port) ?? { pk: 0, last: 0 };
            m.pk += op.segs;
            m.last = now;
            model.delete(op.port);
            model.set(op.port, m);
            if (op.sweep) {
              t.sweep(now);
              for (const [p, v] of [...model]) {
                if (v.last <= now - 50) {
                  credit(p, v.pk);
                  model.delete(p);
                }
              }
            }
            assert.equal(t.size, model.size);
          }
          t.flushAll();
          for (const [p, v] of model) credit(p, v.pk);
          const got = new Map<number, number>();
          for (const r of records) got.set(r.sport, (got.get(r.sport) ?? 0) + r.packets);
          assert.deepEqual(got, exported);
        },
      ),
      { numRuns: 200 },
    );
  });
});
