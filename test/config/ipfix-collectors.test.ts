import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import type { IpfixTarget } from "../../src/config/index.js";
import { issuesOf, load, onlyIssue, withAgent } from "./expect-config.js";

/** [agent.ipfix] on line 3 holding `single` lines, then the `rest` (collectors). */
function withIpfix(single: string[], ...rest: string[]): string {
  return withAgent("[agent.ipfix]", ...single, ...rest);
}

function targets(text: string): IpfixTarget[] {
  return load(text).config.agent.ipfix.targets;
}

describe("[[agent.ipfix.collectors]]: more collectors, each with its own defaults", () => {
  test("a collector needs only a host: port 4739, no bind, the table's observation domain", () => {
    const config = load(withIpfix([], "[[agent.ipfix.collectors]]", 'host = "192.0.2.1"')).config.agent.ipfix;
    assert.equal(config.enabled, true);
    assert.deepEqual(config.targets, [{ host: "192.0.2.1", port: 4739, bind: null, observation_domain_id: 1 }]);
  });
  test("a collector's observation domain defaults to agent.ipfix.observation_domain_id", () => {
    const text = withIpfix(["observation_domain_id = 7"], "[[agent.ipfix.collectors]]", 'host = "a"');
    assert.equal(targets(text)[0]?.observation_domain_id, 7);
  });
  test("keys written in a collector are used as written", () => {
    const text = withIpfix(
      [],
      "[[agent.ipfix.collectors]]",
      'host = "a"',
      "port = 2055",
      'bind = { host = "192.0.2.10", port = 40000 }',
      "observation_domain_id = 9",
    );
    assert.deepEqual(targets(text), [{ host: "a", port: 2055, bind: { host: "192.0.2.10", port: 40000 }, observation_domain_id: 9 }]);
  });
  test("they follow the single host/port collector, in file order", () => {
    const text = withIpfix(
      ["port = 2055"],
      "[[agent.ipfix.collectors]]",
      'host = "a"',
      "[[agent.ipfix.collectors]]",
      'host = "b"',
      "port = 9995",
    );
    assert.deepEqual(targets(text), [
      { host: "::1", port: 2055, bind: null, observation_domain_id: 1 },
      { host: "a", port: 4739, bind: null, observation_domain_id: 1 },
      { host: "b", port: 9995, bind: null, observation_domain_id: 1 },
    ]);
  });
  test("a collector without a bind uses agent.ipfix.bind; `bind = {}` opts out", () => {
    const text = withIpfix(
      ['bind.host = "192.0.2.10"'],
      "[[agent.ipfix.collectors]]",
      'host = "a"',
      "[[agent.ipfix.collectors]]",
      'host = "b"',
      "bind = {}",
    );
    assert.deepEqual(targets(text).map((t) => t.bind), [{ host: "192.0.2.10", port: 0 }, null]);
  });
  test("an inline array of tables works the same", () => {
    const text = withIpfix(['collectors = [{ host = "a" }, { host = "b", port = 1 }]']);
    assert.deepEqual(targets(text).map((t) => [t.host, t.port]), [["a", 4739], ["b", 1]]);
  });
  test("an empty list leaves export off", () => {
    assert.equal(load(withIpfix(["collectors = []"])).config.agent.ipfix.enabled, false);
  });
});

describe("[[agent.ipfix.collectors]]: errors name the element, numbered from 0", () => {
  test("a missing host is reported at the element's header", () => {
    assert.deepEqual(onlyIssue(withIpfix([], "[[agent.ipfix.collectors]]", "port = 2055")), {
      key: "agent.ipfix.collectors[0].host",
      line: 4,
      message: "missing required key",
    });
  });
  test("an empty host is an error", () => {
    assert.deepEqual(onlyIssue(withIpfix([], "[[agent.ipfix.collectors]]", 'host = ""')), {
      key: "agent.ipfix.collectors[0].host",
      line: 5,
      message: "must not be empty",
    });
  });
  test("port 0 is an error (a collector always has a port)", () => {
    const issue = onlyIssue(withIpfix([], "[[agent.ipfix.collectors]]", 'host = "a"', "port = 0"));
    assert.deepEqual(issue, { key: "agent.ipfix.collectors[0].port", line: 6, message: "must be at least 1, found 0" });
  });
  test("port 65536 is an error", () => {
    const issue = onlyIssue(withIpfix([], "[[agent.ipfix.collectors]]", 'host = "a"', "port = 65536"));
    assert.equal(issue.message, "must be at most 65535, found 65536");
  });
  test("observation_domain_id 0 is an error", () => {
    const issue = onlyIssue(withIpfix([], "[[agent.ipfix.collectors]]", 'host = "a"', "observation_domain_id = 0"));
    assert.deepEqual(issue, { key: "agent.ipfix.collectors[0].observation_domain_id", line: 6, message: "must be at least 1, found 0" });
  });
  test("an unknown key in the second element is named with its index, line and the key meant", () => {
    const text = withIpfix([], "[[agent.ipfix.collectors]]", 'host = "a"', "[[agent.ipfix.collectors]]", 'hots = "b"');
    const issues = issuesOf(text);
    assert.deepEqual(issues, [
      { key: "agent.ipfix.collectors[1].host", line: 6, message: "missing required key" },
      { key: "agent.ipfix.collectors[1].hots", line: 7, message: "unknown key; did you mean `agent.ipfix.collectors[1].host`?" },
    ]);
  });
  test("an unknown key in an element's bind table is named in full", () => {
    const text = withIpfix([], "[[agent.ipfix.collectors]]", 'host = "a"', "[agent.ipfix.collectors.bind]", "prot = 1");
    assert.deepEqual(onlyIssue(text), {
      key: "agent.ipfix.collectors[0].bind.prot",
      line: 7,
      message: "unknown key; did you mean `agent.ipfix.collectors[0].bind.port`?",
    });
  });
  test("an unknown key in an inline element is reported on its line", () => {
    const text = withIpfix(["collectors = [", '  { host = "a" },', '  { host = "b", prot = 1 },', "]"]);
    assert.deepEqual(onlyIssue(text), {
      key: "agent.ipfix.collectors[1].prot",
      line: 6,
      message: "unknown key; did you mean `agent.ipfix.collectors[1].port`?",
    });
  });
  test("a single [agent.ipfix.collectors] table is a type error", () => {
    assert.deepEqual(onlyIssue(withAgent("[agent.ipfix.collectors]", 'host = "a"')), {
      key: "agent.ipfix.collectors",
      line: 3,
      message: "expected an array of tables ([[agent.ipfix.collectors]]), found table",
    });
  });
});
