// Fuzz: 100,000 cases of the shared engine (test/fuzz) on the NetFlow v5
// decoder: softflowd's captured export and built datagrams, cut at every
// offset, mutated and random. No crash, no hang, only documented errors, and
// every error path reached. The bench runs the same with 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated NetFlow v5 datagrams: no crash, no hang, only documented errors, every error path reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("netflow-v5", 100_000, 0x5f10);
  assert.ok(r.reached.records > 100_000, `${r.reached.records} records decoded along the way`);
  assertReached(r, ["short_datagram", "bad_version", "bad_count", "truncated_record", "trailing_octets"]);
});
