import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigError, formatIssue, parseConfig } from "../../src/config/index.js";
import { issuesOf, onlyIssue, SOURCE } from "./expect-config.js";

const MANY_MISTAKES = `# line 1
[agent]
interfaces = [
  "eth0",
  "eth(",        # line 5: bad regex
]

[agent.bpf]
sample_rat = 5         # line 9: unknown key
sample_rate = 2000
max_sample_rate = 1500 # line 11: below sample_rate
ring_buf_size = "big"  # line 12: wrong type
wakeup_batch = -1      # line 13: out of range

[agent.collector]
eviction_timeout = "30 seconds" # line 16: bad duration
active_timeout = 60             # line 17: wrong type

[agent.prometheus]
port = 99999 # line 20: out of range
`;

describe("error reporting", () => {
  test("every mistake in a file is reported in one run, sorted by line", () => {
    const issues = issuesOf(MANY_MISTAKES);
    assert.deepEqual(
      issues.map((i) => [i.line, i.key]),
      [
        [5, "agent.interfaces[1]"],
        [9, "agent.bpf.sample_rat"],
        [11, "agent.bpf.max_sample_rate"],
        [12, "agent.bpf.ring_buf_size"],
        [13, "agent.bpf.wakeup_batch"],
        [16, "agent.collector.eviction_timeout"],
        [17, "agent.collector.active_timeout"],
        [20, "agent.prometheus.port"],
      ],
    );
    assert.deepEqual(
      issues.map((i) => i.message),
      [
        'invalid regular expression "eth(": Unterminated group',
        "unknown key; did you mean `agent.bpf.sample_rate`?",
        "must be at least agent.bpf.sample_rate (2000), found 1500",
        'expected an integer, found string "big"',
        "must be at least 0, found -1",
        'invalid duration "30 seconds": unknown unit " seconds" (units: ns, us (or µs), ms, s, m, h)',
        'expected a duration string like "30s", found integer 60',
        "must be at most 65535, found 99999",
      ],
    );
  });

  test("ConfigError's message lists every issue as SOURCE:LINE: KEY: MESSAGE, one per line", () => {
    let error: unknown;
    try {
      parseConfig(MANY_MISTAKES, "/etc/rfm/rfm.toml");
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.source, "/etc/rfm/rfm.toml");
    const lines = error.message.split("\n");
    assert.equal(lines.length, error.issues.length);
    assert.equal(lines[0], '/etc/rfm/rfm.toml:5: agent.interfaces[1]: invalid regular expression "eth(": Unterminated group');
    assert.deepEqual(lines, error.issues.map((i) => formatIssue(error.source, i)));
  });

  test("a missing [agent] table is reported without a line, before the rest", () => {
    const issues = issuesOf("[agnet]\n");
    assert.deepEqual(issues, [
      { key: "agent", message: "missing required table [agent]" },
      { key: "agnet", line: 1, message: "unknown table; did you mean `agent`?" },
    ]);
  });

  test("an empty file lacks the [agent] table", () => {
    assert.deepEqual(onlyIssue(""), { key: "agent", message: "missing required table [agent]" });
  });

  test("a table given as a value is a type error", () => {
    assert.deepEqual(onlyIssue('[agent]\ninterfaces = ["eth0"]\nbpf = 5\n'), {
      key: "agent.bpf",
      line: 3,
      message: "expected a table, found integer 5",
    });
  });

  test("a date-time given for a table is a type error, not a table of defaults", () => {
    assert.deepEqual(onlyIssue('[agent]\ninterfaces = ["eth0"]\nprometheus = 1979-05-27T07:32:00Z\n'), {
      key: "agent.prometheus",
      line: 3,
      message: "expected a table, found date-time 1979-05-27T07:32:00.000Z",
    });
  });

  test("a TOML syntax error is one issue with its line and column", () => {
    assert.deepEqual(onlyIssue('[agent]\ninterfaces = ["eth0"]\nport = = 1\n'), {
      key: "",
      line: 3,
      message: "invalid TOML: invalid value (column 8)",
    });
  });

  test("a key defined twice is a TOML error at the second definition", () => {
    const issue = onlyIssue('[agent]\ninterfaces = ["eth0"]\ninterfaces = ["eth1"]\n');
    assert.equal(issue.line, 3);
    assert.match(issue.message, /^invalid TOML: /);
  });
});

describe("formatIssue", () => {
  test("writes SOURCE:LINE: KEY: MESSAGE", () => {
    assert.equal(formatIssue("a.toml", { key: "agent.bpf.x", line: 3, message: "unknown key" }), "a.toml:3: agent.bpf.x: unknown key");
  });
  test("leaves out a missing line", () => {
    assert.equal(formatIssue("a.toml", { key: "agent", message: "missing" }), "a.toml: agent: missing");
  });
  test("leaves out an empty key", () => {
    assert.equal(formatIssue("a.toml", { key: "", line: 2, message: "invalid TOML: x" }), "a.toml:2: invalid TOML: x");
  });
  test("prints a whole-file issue (no key, no line) as its bare message", () => {
    assert.equal(formatIssue("a.toml", { key: "", message: "cannot read config file a.toml: no such file" }), "cannot read config file a.toml: no such file");
  });
  test("formats warnings the same way", () => {
    const { warnings } = parseConfig('[agent]\ninterfaces = ["eth*"]\n', SOURCE);
    assert.match(warnings[0] ?? "", /^test\.toml:2: agent\.interfaces\[0\]: pattern "eth\*" looks like a shell glob/);
  });
});
