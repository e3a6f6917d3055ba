// Prometheus tuples over live flows: gauges follow live flows, counters never
// go down, a new tuple shows 0 first, idle tuples leave, and the tuple count is
// capped by folding into the unlabelled tuple.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { FlowTable } from "../../src/flow/table.js";
import { Rollups, type Tuple, type TupleLabels } from "../../src/flow/rollups.js";
import { batch, ev } from "./batch.js";

function setup(opts: { maxFlows?: number; maxTuples?: number; labels?: (sport: number) => TupleLabels } = {}) {
  let now = 0;
  const clock = { set: (ms: number) => (now = ms) };
  const rollups = new Rollups(
    opts.maxFlows ?? 64,
    opts.maxTuples ?? 64,
    10_000,
    opts.labels ? (table, id) => opts.labels!(table.describe(id).sport) : undefined,
    () => now,
  );
  const table = new FlowTable({ maxFlows: opts.maxFlows ?? 64, evictionTimeoutMs: 1000, activeTimeoutMs: 0, sink: () => undefined, observer: rollups });
  const scrape = () => {
    const out: { t: Tuple; fresh: boolean; live: number[]; total: number[] }[] = [];
    rollups.scrape((t, fresh) => out.push({ t, fresh, live: [...t.live], total: [...t.total] }));
    return out;
  };
  return { rollups, table, scrape, clock };
}

describe("flow rollups", () => {
  test("flows of one (interface, direction, proto) share a tuple; a new tuple scrapes as fresh once", () => {
    const { table, scrape } = setup();
    table.ingest(batch([ev({ sport: 1, sampleRate: 10 }), ev({ sport: 2 }), ev({ proto: 6, sport: 3 })]), 3, 0);
    const first = scrape();
    assert.equal(first.length, 2);
    assert.ok(first.every((s) => s.fresh), "the first scrape marks new tuples fresh: their counters show 0");
    const udp = scrape().find((s) => s.t.proto === 17)!;
    assert.equal(udp.fresh, false);
    assert.deepEqual(udp.live, [11, 11 * 114, 2, 228]);
    assert.deepEqual(udp.total, udp.live);
    assert.equal(udp.t.liveFlows, 2);
  });

  test("eviction lowers the gauges, never the counters", () => {
    const { table, scrape } = setup();
    table.ingest(batch([ev({ sport: 1, ms: 0 }), ev({ sport: 2, ms: 900 })]), 2, 0);
    scrape();
    table.sweep(1000); // sport 1 idle for 1 s
    const [s] = scrape();
    assert.deepEqual([s.live[0], s.total[0], s.t.liveFlows], [1, 2, 1]);
    table.sweep(5000);
    const [empty] = scrape();
    assert.deepEqual([empty.live[0], empty.total[0], empty.t.liveFlows], [0, 2, 0]);
  });

  test("a tuple without live flows for the retention period leaves", () => {
    const { table, scrape, clock } = setup();
    table.ingest(batch([ev({ ms: 0 })]), 1, 0);
    clock.set(2000);
    table.sweep(2000);
    assert.equal(scrape().length, 1, "still retained");
    clock.set(12_000);
    assert.equal(scrape().length, 0, "gone after 10 s without flows");
  });

  test("beyond the tuple cap, labelled flows fold into the unlabelled tuple and are counted", () => {
    const { table, rollups, scrape } = setup({ maxTuples: 2, labels: (sport) => ({ srcAsn: 64500 + sport, dstAsn: 0, srcCity: "", dstCity: "" }) });
    table.ingest(batch([ev({ sport: 1 }), ev({ sport: 2 }), ev({ sport: 3 }), ev({ sport: 4 })]), 4, 0);
    const tuples = scrape().map((s) => s.t.labels.srcAsn).sort();
    assert.deepEqual(tuples, [0, 64501, 64502]);
    assert.equal(rollups.folded, 2);
    const unlabelled = scrape().find((s) => s.t.labels.srcAsn === 0)!;
    assert.equal(unlabelled.t.liveFlows, 2);
  });
});
