// Fuzz: 100,000 cases of the shared engine (test/fuzz) on the sFlow v5
// decoder and the packet dissector under it: pmacct's captured export and
// the hand-laid datagrams, cut at every offset, mutated and random. No
// crash, no hang, only documented errors, error-free datagrams stable under
// re-encoding, and every error path reached. The bench runs the same with
// 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated sFlow v5 datagrams: no crash, no hang, only documented errors, every error path reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("sflow", 100_000, 0x5f10e);
  assert.ok(r.reached.flow_sample > 100_000, `${r.reached.flow_sample} flow samples decoded along the way`);
  assert.ok(r.reached["re-encoded"] > 1000, `${r.reached["re-encoded"]} error-free datagrams re-encoded`);
  assertReached(r, [
    "short_datagram", "bad_version", "bad_address_type", "too_many_samples", "truncated_sample", "short_sample", "too_many_records", "truncated_record", "bad_record", "trailing_octets",
    "counters_sample", "unknown", "sampled_header", "sampled_ethernet", "sampled_ipv4", "sampled_ipv6", "extended_switch", "extended_router", "extended_gateway", "extended_user",
    "extended_url", "generic_interface", "ethernet_interface", "vlan", "processor",
    "dissect:complete", "dissect:truncated", "dissect:fragment", "dissect:unknown_ethertype", "dissect:unknown_link", "dissect:bad_header",
  ]);
});
