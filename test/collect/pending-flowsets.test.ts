// NetFlow v9 data held for its template: bounded by count, octets and age,
// and every drop counted by why (full or expired), whether or not a template
// ever arrives to trigger a retry.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { PendingFlowSets } from "../../src/collect/decode/pending-flowsets.js";
import type { NetflowV9PendingFlowSet } from "../../src/netflow-v9/index.js";

const flowSet = (octets: number, flowSetId = 300): NetflowV9PendingFlowSet => ({ kind: "pending", flowSetId, offset: 20, sourceId: 1, bytes: new Uint8Array(octets) });

test("past the count or octet cap the oldest goes, counted as full; the octets held stay under the cap", () => {
  const p = new PendingFlowSets(3, 1000, 10_000);
  for (let i = 0; i < 5; i++) p.hold("s", flowSet(100), i);
  assert.deepEqual([p.size, p.heldOctets, p.stats.dropped, p.stats.expired], [3, 300, 2, 0]);
  p.hold("s", flowSet(900), 5);
  assert.ok(p.heldOctets <= 1000);
  assert.deepEqual([p.size, p.heldOctets, p.stats.dropped, p.stats.expired], [2, 1000, 4, 0]);
});

test("held FlowSets past their age are dropped when another is held, with no template arriving, counted as expired", () => {
  const p = new PendingFlowSets(1024, 4 << 20, 10_000);
  p.hold("a", flowSet(100), 0);
  p.hold("a", flowSet(100), 5_000);
  p.hold("b", flowSet(100), 10_001);
  assert.deepEqual([p.size, p.heldOctets, p.stats.dropped, p.stats.expired], [2, 200, 1, 1]);
  let tried = 0;
  p.retry("a", 15_001, () => ++tried > 0);
  assert.equal(tried, 0, "the one of a held at 5,000 is past its age by now");
  assert.deepEqual([p.size, p.stats.expired, p.stats.decodedLate], [1, 2, 0]);
  p.retry("b", 15_002, () => true);
  assert.deepEqual([p.size, p.heldOctets, p.stats.decodedLate], [0, 0, 1]);
});
