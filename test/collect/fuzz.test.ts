// Fuzz: 100,000 cases each of the shared engine (test/fuzz) on the capture
// input's way from a frame to a UDP datagram (every link type, tags, labels,
// IPv6 extension headers, fragments into a shared reassembly) and on the IP
// fragment reassembly alone (crafted sequences of fragments). No crash, no
// hang, the reassembly under its caps, every outcome reached. The bench runs
// the same with 1,000,000 cases.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated frames through udpInFrame: no crash, no hang, every skip reason and reassembly outcome reached", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("udp-frame", 100_000, 0xf4a3);
  assert.ok(r.reached.datagram > 10_000, `${r.reached.datagram} datagrams along the way`);
  assertReached(r, ["link_type", "not_ip", "not_udp", "truncated", "fragment", "reassembled", "evicted", "bad"]);
});

test("100,000 sequences of crafted fragments: no crash, no hang, held datagrams and octets under the caps, whole datagrams exact", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("ip-reassembly", 100_000, 0x1f4a);
  assert.ok(r.reached.reassembled > 10_000, `${r.reached.reassembled} datagrams reassembled along the way`);
  assertReached(r, ["reassembled", "evicted", "bad"]);
});
