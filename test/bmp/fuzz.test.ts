// Fuzz: 100,000 cases of the shared engine (test/fuzz) on BMP: GoBGP's and
// FRR's captured streams and the built corpus, cut at every offset, mutated
// (length fields of the BMP, BGP and attribute layers rewritten among the
// rest), through the framer in random chunks and the decoder with the session
// options of the Peer Ups before them, and whole under random options. No
// crash, no hang, only documented problems, and most of the messages still
// decode. The bench runs the same with 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

const MESSAGE_TYPES = ["initiation", "termination", "peer_up", "peer_down", "statistics_report", "route_monitoring", "route_mirroring"];

test("100,000 mutated BMP streams and messages: no crash, no hang, only documented problems", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("bmp", 100_000, 0xb3f7);
  const decoded = MESSAGE_TYPES.reduce((n, t) => n + (r.reached[t] ?? 0), 0);
  assert.ok(decoded > 50_000, `only ${decoded} messages decoded: the mutations would only exercise the header checks`);
  assertReached(r, [
    ...MESSAGE_TYPES, "applied", "treat_as_withdraw", "session_reset", "framing bad_version", "framing bad_length", "framing truncated_stream",
    "short_message", "bad_version", "length_mismatch", "unknown_message_type", "tlv_overrun", "bad_bgp_header", "bad_open", "bad_capability",
    "bad_update_lengths", "bad_nlri", "attribute_overrun", "bad_attribute_flags", "missing_attribute", "bad_as_path", "as_path_width_guessed",
    "bad_mp_reach", "no_nlri_with_error",
  ]);
});
