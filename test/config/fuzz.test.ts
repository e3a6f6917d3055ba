import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, parseConfig } from "../../src/config/index.js";

/** parseConfig either succeeds or throws a ConfigError whose issues are well formed. */
function parsesOrReportsIssues(text: string): boolean {
  const lineCount = text.split(/\r?\n/).length;
  try {
    parseConfig(text, "fuzz.toml");
    return true;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    assert.ok(err.issues.length > 0);
    for (const issue of err.issues) {
      assert.equal(typeof issue.key, "string");
      assert.ok(issue.message.length > 0);
      if (issue.line !== undefined) assert.ok(issue.line >= 1 && issue.line <= lineCount, `line ${issue.line} of ${lineCount}`);
    }
    return true;
  }
}

// Pieces of plausible config text, so random files get past the TOML parser
// and into the schema, the locator and the suggestions.
const FRAGMENTS = [
  "[agent]", "[agent.bpf]", "[agent.collector]", "[agent.prometheus]", "[[agent.x]]", "[agnet]", "[agent.bpff]",
  'interfaces = ["eth0"]', 'interfaces = ["eth*", "(?!lo$).+"]', 'interfaces = ["("]', "interfaces = []",
  "sample_rate = 0", "sample_rate = 100", "max_sample_rate = 5", "ring_buf_size = 4096", "ring_buf_size = 3",
  'eviction_timeout = "30s"', 'active_timeout = "0"', 'eviction_timeout = "x"', "active_timeout = 5",
  "port = 70000", 'host = ""', 'pin_path = "rel"', "bpf.sample_rat = 1", 'prometheus = { port = 1, hots = "x" }',
  "[agent.ipfix]", "[[agent.ipfix.collectors]]", "[agent.ipfix.bind]", "[agent.log]", "port = 2055", 'host = "a"',
  'fields = ["octetDeltaCout"]', "fields = []", 'bind = { hots = "x" }', 'collectors = [{ port = 1 }, { host = "b" }]',
  'path = ""', "max_files = 0",
  '"quoted key" = 1', "x = [1,\n2]", 'notes = """\n[agent]\n"""', "# comment", "", "= 1", "[", "a = 1e999",
];

describe("parseConfig on arbitrary input", () => {
  test("random text never throws anything but a ConfigError", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), parsesOrReportsIssues), { numRuns: 500 });
  });

  test("random arrangements of config lines never throw anything but a ConfigError", () => {
    const lines = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 15 });
    fc.assert(fc.property(lines, fc.constantFrom("\n", "\r\n"), (parts, eol) => parsesOrReportsIssues(parts.join(eol))), {
      numRuns: 500,
    });
  });
});
