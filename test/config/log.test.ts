import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import type { LogConfig } from "../../src/config/index.js";
import { load, onlyIssue, withAgent, withTable } from "./expect-config.js";

function log(...lines: string[]): LogConfig {
  return load(withTable("log", ...lines)).config.agent.log;
}

/** The message of the one issue, which must be at `key` on line 4 (the first line after the header). */
function problem(key: string, line: string): string {
  const issue = onlyIssue(withTable("log", line));
  assert.equal(issue.key, `agent.log.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("[agent.log]: flow records as JSON lines, off by default", () => {
  test("defaults to no file, 100 MiB per file and 5 rotated files", () => {
    assert.deepEqual(load(withAgent()).config.agent.log, { path: "", max_size: 104_857_600, max_files: 5 });
  });
});

describe("agent.log.path: a file name, when written", () => {
  test("accepts an absolute path", () => {
    assert.equal(log('path = "/var/log/rfm/flows.jsonl"').path, "/var/log/rfm/flows.jsonl");
  });
  test("keeps a relative path as written (it resolves against the working directory)", () => {
    assert.equal(log('path = "flows.jsonl"').path, "flows.jsonl");
  });
  test("rejects an empty path, saying how to turn the log off", () => {
    assert.equal(problem("path", 'path = ""'), "must not be empty (leave agent.log.path out to not write a flow log)");
  });
  test("rejects a non-string", () => {
    assert.equal(problem("path", "path = true"), "expected a string, found boolean true");
  });
});

describe("agent.log.max_size: bytes, at least 4096", () => {
  test("accepts 4096", () => {
    assert.equal(log("max_size = 4096").max_size, 4096);
  });
  test("rejects 4095", () => {
    assert.equal(problem("max_size", "max_size = 4095"), "must be at least 4096, found 4095");
  });
  test("rejects a string such as \"100MB\"", () => {
    assert.equal(problem("max_size", 'max_size = "100MB"'), 'expected an integer, found string "100MB"');
  });
});

describe("agent.log.max_files: an integer from 1 to 1000", () => {
  test("accepts 1 and 1000", () => {
    assert.equal(log("max_files = 1").max_files, 1);
    assert.equal(log("max_files = 1000").max_files, 1000);
  });
  test("rejects 0", () => {
    assert.equal(problem("max_files", "max_files = 0"), "must be at least 1, found 0");
  });
  test("rejects 1001", () => {
    assert.equal(problem("max_files", "max_files = 1001"), "must be at most 1000, found 1001");
  });
});

describe("agent.log: unknown keys", () => {
  test("a misspelt key is named in full, with the key meant", () => {
    assert.deepEqual(onlyIssue(withTable("log", "max_file = 3")), {
      key: "agent.log.max_file",
      line: 4,
      message: "unknown key; did you mean `agent.log.max_files`?",
    });
  });
});
