// Fuzz: 100,000 cases of the shared engine (test/fuzz) on ring events: the
// events the BPF program wrote for frames of every shape (captured with
// BPF_PROG_TEST_RUN), mutated into batches for decodeEvent and the flow
// table's ingest (with rollups, sweeps, flushes and forced eviction). No
// crash, no hang, the table within its bounds, records finite. The bench runs
// the same with 1,000,000 cases.
import { test } from "node:test";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated ring batches: no crash, no hang, the flow table within its bounds", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("ring-event", 100_000, 0x64e7);
  assertReached(r, ["short event", "forced evictions", "reason 1", "reason 2", "reason 4", "reason 5"]);
});
