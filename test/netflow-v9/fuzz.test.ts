// Fuzz: 100,000 cases of the shared engine (test/fuzz) on the NetFlow v9
// decoder and its template cache: softflowd's captured export and built
// datagrams, cut at every offset, mutated and random, from three sessions
// with either lookup, pending FlowSets decoded again as templates arrive. No
// crash, no hang, only documented errors, values of the shape their types
// promise, and every error path reached. The bench runs the same with
// 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated NetFlow v9 datagrams: no crash, no hang, only documented errors, every error path reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("netflow-v9", 100_000, 0x9f10);
  assert.ok(r.reached.records > 100_000, `${r.reached.records} records decoded along the way`);
  assertReached(r, [
    "short_datagram", "bad_version", "count_mismatch", "short_flowset", "truncated_flowset", "reserved_flowset_id", "template_overrun",
    "bad_template_id", "bad_option_lengths", "bad_field_length", "empty_template", "oversized_template", "unknown_template", "bad_padding",
    "bad_value", "evictions", "pending_decoded",
  ]);
});
