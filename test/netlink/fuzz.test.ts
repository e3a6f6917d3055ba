// Fuzz: 100,000 cases of the shared engine (test/fuzz) on rtnetlink parsing:
// a lab namespace's link dump and link events (captured through the addon),
// cut at every offset, with nlmsg_len and attribute lengths rewritten among
// the other mutations. No throw, no hang; what does not parse is a "bad"
// item. The bench runs the same with 1,000,000 cases.
import { test } from "node:test";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated rtnetlink batches: no crash, no hang, malformed messages reported as bad items", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("netlink", 100_000, 0x4e4c);
  assertReached(r, ["link", "bad", "done"]);
});
