// Fuzz: 100,000 cases of the shared engine (test/fuzz) on the IPFIX decoder
// and its template cache: our agent's and pmacct's captured exports and built
// messages, cut at every offset, mutated (bit flips, interesting values,
// lengths rewritten, octets inserted, removed, repeated and spliced) and
// random. No crash, no hang, values of the shape their types promise, and
// every error path reached. The bench runs the same with 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated IPFIX messages: no crash, no hang, only documented errors, every error path reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("ipfix", 100_000, 0x1bf1c);
  assert.ok(r.reached.records > 10_000, `${r.reached.records} records decoded along the way`);
  assertReached(r, [
    "short_message", "bad_version", "length_mismatch", "short_set", "set_overrun", "reserved_set_id", "template_overrun", "bad_template_id",
    "bad_scope_count", "bad_field_length", "empty_template", "withdraw_unknown", "unknown_template", "field_overrun", "bad_value", "evictions",
  ]);
});
