import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import type { PrometheusConfig } from "../../src/config/index.js";
import { load, onlyIssue, withTable } from "./expect-config.js";

function prometheus(...lines: string[]): PrometheusConfig {
  return load(withTable("prometheus", ...lines)).config.agent.prometheus;
}

/** The message of the one issue, which must be at `key` on line 4 (the first line after the header). */
function problem(key: string, line: string): string {
  const issue = onlyIssue(withTable("prometheus", line));
  assert.equal(issue.key, `agent.prometheus.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("agent.prometheus.host: a non-empty string", () => {
  test("accepts an address", () => {
    assert.equal(prometheus('host = "0.0.0.0"').host, "0.0.0.0");
  });
  test("rejects the empty string", () => {
    assert.match(problem("host", 'host = ""'), /^must not be empty/);
  });
  test("rejects a non-string", () => {
    assert.equal(problem("host", "host = 127"), "expected a string, found integer 127");
  });
});

describe("agent.prometheus.port: an integer from 1 to 65535", () => {
  test("accepts 1 and 65535", () => {
    assert.equal(prometheus("port = 1").port, 1);
    assert.equal(prometheus("port = 65535").port, 65535);
  });
  test("rejects 0", () => {
    assert.equal(problem("port", "port = 0"), "must be at least 1, found 0");
  });
  test("rejects 65536", () => {
    assert.equal(problem("port", "port = 65536"), "must be at most 65535, found 65536");
  });
  test("rejects a string", () => {
    assert.equal(problem("port", 'port = "9669"'), 'expected an integer, found string "9669"');
  });
});
