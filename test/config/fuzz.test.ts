// Fuzz: cases of the shared engine (test/fuzz) on config files as
// `rfm config check` reads them: examples/rfm.toml and configs of the other
// tables, cut at every offset, mutated, with TOML tokens and whole lines
// spliced in. parseConfig returns or throws a ConfigError with well-formed
// issues, and takes no case over 100 ms. The bench runs 1,000,000 cases.
// 20,000 here, not 100,000: a config parse costs ten times a binary decode
// (about 6,000 cases/s on one core, against 50,000 to 100,000 for the
// others), so 100,000 cases would add some 17 s to the suite on their own.
import { test } from "node:test";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated config files: no crash, no hang, only ConfigErrors with well-formed issues", { timeout: 300_000 }, async () => {
  const r = await fuzzClean("config", 100_000, 0xc0f1);
  assertReached(r, ["valid", "valid with warnings", "syntax error", "schema errors"]);
});
