import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import type { CollectorConfig } from "../../src/config/index.js";
import { load, onlyIssue, withTable } from "./expect-config.js";

function collector(...lines: string[]): CollectorConfig {
  return load(withTable("collector", ...lines)).config.agent.collector;
}

/** The message of the one issue, which must be at `key` on line 4 (the first line after the header). */
function problem(key: string, line: string): string {
  const issue = onlyIssue(withTable("collector", line));
  assert.equal(issue.key, `agent.collector.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("agent.collector.max_flows: an integer of at least 1", () => {
  test("accepts 1", () => {
    assert.equal(collector("max_flows = 1").max_flows, 1);
  });
  test("rejects 0", () => {
    assert.equal(problem("max_flows", "max_flows = 0"), "must be at least 1, found 0");
  });
  test("rejects a float", () => {
    assert.equal(problem("max_flows", "max_flows = 1e5"), "expected an integer, found float 100000.0");
  });
});

describe("agent.collector.eviction_timeout: a duration of at least 1s", () => {
  test("accepts 1s and compound durations, giving milliseconds", () => {
    assert.equal(collector('eviction_timeout = "1s"').eviction_timeout, 1000);
    assert.equal(collector('eviction_timeout = "1m30s"').eviction_timeout, 90_000);
  });
  test("rejects less than 1s", () => {
    assert.equal(problem("eviction_timeout", 'eviction_timeout = "999ms"'), 'must be at least 1s, found "999ms"');
  });
  test('rejects "0" (eviction cannot be turned off)', () => {
    assert.equal(problem("eviction_timeout", 'eviction_timeout = "0"'), 'must be at least 1s, found "0"');
  });
  test("rejects a TOML number, showing the expected form", () => {
    assert.equal(
      problem("eviction_timeout", "eviction_timeout = 30"),
      'expected a duration string like "30s", found integer 30',
    );
  });
  test("rejects a number without a unit", () => {
    assert.match(problem("eviction_timeout", 'eviction_timeout = "30"'), /^invalid duration "30": missing unit/);
  });
  test("rejects a negative duration as out of range", () => {
    assert.equal(problem("eviction_timeout", 'eviction_timeout = "-5s"'), 'must not be negative, found "-5s"');
  });
});

describe("agent.collector.active_timeout: 0 (off) or a duration of at least 1s", () => {
  test('accepts "0" and "0s" as off', () => {
    assert.equal(collector('active_timeout = "0"').active_timeout, 0);
    assert.equal(collector('active_timeout = "0s"').active_timeout, 0);
  });
  test("accepts 2h", () => {
    assert.equal(collector('active_timeout = "2h"').active_timeout, 7_200_000);
  });
  test("rejects a non-zero duration below 1s", () => {
    assert.equal(problem("active_timeout", 'active_timeout = "500ms"'), 'must be 0 (disabled) or at least 1s, found "500ms"');
  });
  test("rejects text that is not a duration", () => {
    assert.match(problem("active_timeout", 'active_timeout = "soon"'), /^invalid duration "soon": /);
  });
  test("rejects a float", () => {
    assert.equal(problem("active_timeout", "active_timeout = 1.5"), 'expected a duration string like "30s", found float 1.5');
  });
});
