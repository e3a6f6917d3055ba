// Fuzz: 100,000 cases of the shared engine (test/fuzz) on control requests:
// every request the CLI sends (captured), and each with odd argument values,
// mutated, read in random chunks, parsed and run by the real command
// handlers against a stand-in agent. A malformed request gets an error
// answer, never another exception; chunking never changes the request. The
// bench runs the same with 1,000,000 cases.
import { test } from "node:test";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated control requests: no crash, no hang, every malformed one answered with an error", { timeout: 120_000 }, async () => {
  const r = await fuzzClean("control", 100_000, 0xc0de);
  assertReached(r, ["parse error", "unknown command", "command error", "answered", "empty", "flows.flush", "set.sample-rate", "rib.lookup", "meter.attach"]);
});
