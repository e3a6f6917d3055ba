// Fuzz: cases of the shared engine (test/fuzz) on config files as
// `rfm config check` reads them: examples/rfm.toml, examples/collect.toml
// and configs of the other tables, cut at every offset, mutated, with TOML
// tokens and whole lines spliced in. parseAnyConfig returns or throws a ConfigError with well-formed
// issues, and takes no case over 100 ms. The bench runs 1,000,000 cases,
// CI 100,000 like every decoder (a config parse costs ten times a binary
// decode: this file takes some 20 s).
import { test } from "node:test";
import { assertReached, fuzzClean } from "../fuzz/expect-clean.js";

test("100,000 mutated config files: no crash, no hang, only ConfigErrors with well-formed issues", { timeout: 300_000 }, async () => {
  const r = await fuzzClean("config", 100_000, 0xc0f1);
  assertReached(r, ["valid", "valid with warnings", "syntax error", "schema errors"]);
});
