import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { configSchema } from "../../src/config/index.js";
import { allKnownPaths } from "../../src/config/schema/known-keys.js";
import { formatKeyPath } from "../../src/config/key-path.js";
import { issuesOf, onlyIssue, withAgent, withTable } from "./expect-config.js";

describe("unknown keys are errors", () => {
  test("a misspelt key is named in full, with its line and the key probably meant", () => {
    assert.deepEqual(onlyIssue(withTable("bpf", "sample_rat = 5")), {
      key: "agent.bpf.sample_rat",
      line: 4,
      message: "unknown key; did you mean `agent.bpf.sample_rate`?",
    });
  });

  test("a misspelt table is reported once, at its header", () => {
    assert.deepEqual(onlyIssue(withTable("bpff", "sample_rate = 5", "ring_buf_size = 4096")), {
      key: "agent.bpff",
      line: 3,
      message: "unknown table; did you mean `agent.bpf`?",
    });
  });

  test("a misspelt top-level table is reported too", () => {
    assert.deepEqual(onlyIssue(withAgent("[agnet.bpf]", "sample_rate = 5")), {
      key: "agnet",
      line: 3,
      message: "unknown table; did you mean `agent`?",
    });
  });

  test("nothing is suggested when no known key is close", () => {
    assert.deepEqual(onlyIssue(withTable("bpf", "colour = 5")), { key: "agent.bpf.colour", line: 4, message: "unknown key" });
  });

  test("a known key in the wrong table points to where it belongs", () => {
    assert.equal(onlyIssue(withAgent("sample_rate = 5")).message, "unknown key; did you mean `agent.bpf.sample_rate`?");
  });

  test("differences of case and dash versus underscore still find the key", () => {
    assert.equal(onlyIssue(withTable("bpf", "Sample-Rate = 5")).message, "unknown key; did you mean `agent.bpf.sample_rate`?");
  });

  test("a truncated key finds the key it starts", () => {
    assert.equal(onlyIssue(withTable("collector", 'eviction = "5s"')).message, "unknown key; did you mean `agent.collector.eviction_timeout`?");
  });

  test("dotted keys are reported on their own line", () => {
    assert.deepEqual(onlyIssue(withAgent("# bpf", "bpf.sampel_rate = 5")), {
      key: "agent.bpf.sampel_rate",
      line: 4,
      message: "unknown key; did you mean `agent.bpf.sample_rate`?",
    });
  });

  test("keys inside an inline table are reported on that line", () => {
    const issue = onlyIssue(withAgent("", "prometheus = { host = \"::\", prot = 80 }"));
    assert.deepEqual(issue, { key: "agent.prometheus.prot", line: 4, message: "unknown key; did you mean `agent.prometheus.port`?" });
  });

  test("quoted keys are shown quoted", () => {
    assert.equal(onlyIssue(withTable("bpf", '"sample rate" = 5')).key, 'agent.bpf."sample rate"');
  });

  test("every unknown key in a table is reported", () => {
    const issues = issuesOf(withTable("bpf", "a = 1", "b = 2"));
    assert.deepEqual(issues.map((i) => [i.key, i.line]), [["agent.bpf.a", 4], ["agent.bpf.b", 5]]);
  });

  test("suggestions come from the schema: any key missing its last letter suggests that key", () => {
    const paths = allKnownPaths(configSchema).filter((path) => path.length > 2);
    assert.ok(paths.length >= 10, "the schema's keys are found");
    for (const path of paths) {
      const parent = path.slice(0, -1).map(String);
      const key = String(path[path.length - 1]);
      const text = `[agent]\ninterfaces = ["eth0"]\n[${parent.join(".")}]\n${key.slice(0, -1)} = 1\n`;
      const unknown = issuesOf(text).find((i) => i.message.startsWith("unknown"));
      assert.equal(unknown?.message, `unknown key; did you mean \`${formatKeyPath(path)}\`?`, formatKeyPath(path));
    }
  });
});
