// Fuzz: 100,000 cases of the shared engine (test/fuzz) on the capture file
// decoder, each fed in two pieces split at a random offset. No crash, no
// hang, only documented errors, and every error path reached. The bench runs
// the same with 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated capture files: no crash, no hang, only documented errors, every error path reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("pcap", 100_000, 0x9cab);
  assert.ok(r.reached.packets > 10_000, `${r.reached.packets} cases gave packets`);
  assertReached(r, ["bad_magic", "short_header", "bad_block_length", "bad_packet_length", "unknown_interface", "bad_version"]);
});
