import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { effectiveQueueSize, type IpfixConfig } from "../../src/config/index.js";
import { issuesOf, load, onlyIssue, withAgent, withTable } from "./expect-config.js";

function ipfix(...lines: string[]): IpfixConfig {
  return load(withTable("ipfix", ...lines)).config.agent.ipfix;
}

/** The message of the one issue, which must be at `key` on line 4 (the first line after the header). */
function problem(key: string, line: string): string {
  const issue = onlyIssue(withTable("ipfix", line));
  assert.equal(issue.key, `agent.ipfix.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("agent.ipfix: export is on when host or port names a collector", () => {
  test("is off by default, with no targets", () => {
    const config = load(withAgent()).config.agent.ipfix;
    assert.equal(config.enabled, false);
    assert.deepEqual(config.targets, []);
  });
  test('is off when host = "" and port = 0 are written out (both mean unset)', () => {
    const config = ipfix('host = ""', "port = 0");
    assert.equal(config.enabled, false);
    assert.deepEqual(config.targets, []);
  });
  test('port alone turns it on, sending to "::1"', () => {
    const config = ipfix("port = 2055");
    assert.equal(config.enabled, true);
    assert.deepEqual(config.targets, [{ host: "::1", port: 2055, bind: null, observation_domain_id: 1 }]);
  });
  test("host alone turns it on, sending to port 4739", () => {
    assert.deepEqual(ipfix('host = "192.0.2.1"').targets, [{ host: "192.0.2.1", port: 4739, bind: null, observation_domain_id: 1 }]);
  });
  test("host and port are used as written", () => {
    assert.deepEqual(ipfix('host = "collector.example"', "port = 9995").targets, [
      { host: "collector.example", port: 9995, bind: null, observation_domain_id: 1 },
    ]);
  });
  test("the raw keys stay as written", () => {
    const config = ipfix("port = 2055");
    assert.equal(config.host, "");
    assert.equal(config.port, 2055);
  });
});

describe("agent.ipfix.host: a string", () => {
  test("rejects a non-string", () => {
    assert.equal(problem("host", "host = 1"), "expected a string, found integer 1");
  });
});

describe("agent.ipfix.port: 0 (unset) or 1 to 65535", () => {
  test("accepts 1 and 65535", () => {
    assert.equal(ipfix("port = 1").targets[0]?.port, 1);
    assert.equal(ipfix("port = 65535").targets[0]?.port, 65535);
  });
  test("rejects 65536", () => {
    assert.equal(problem("port", "port = 65536"), "must be at most 65535, found 65536");
  });
  test("rejects a negative port", () => {
    assert.equal(problem("port", "port = -1"), "must be at least 0, found -1");
  });
  test("rejects a string", () => {
    assert.equal(problem("port", 'port = "4739"'), 'expected an integer, found string "4739"');
  });
});

describe("agent.ipfix.bind: the local source address and port", () => {
  test("defaults to no bind", () => {
    assert.deepEqual(ipfix().bind, { host: "", port: 0 });
    assert.equal(ipfix("port = 2055").targets[0]?.bind, null);
  });
  test("a bind host alone binds that address, any port", () => {
    assert.deepEqual(ipfix("port = 2055", 'bind.host = "192.0.2.10"').targets[0]?.bind, { host: "192.0.2.10", port: 0 });
  });
  test("a bind port alone binds that port, any address", () => {
    assert.deepEqual(ipfix("port = 2055", "[agent.ipfix.bind]", "port = 40000").targets[0]?.bind, { host: "", port: 40000 });
  });
  test("a bind without a collector is an error naming the fix", () => {
    assert.deepEqual(onlyIssue(withTable("ipfix", 'bind = { host = "192.0.2.10" }')), {
      key: "agent.ipfix.bind",
      line: 4,
      message: "requires agent.ipfix.host or agent.ipfix.port (or [[agent.ipfix.collectors]])",
    });
  });
  test("a bind port alone without a collector is the same error", () => {
    assert.match(problem("bind", "bind.port = 40000"), /^requires agent\.ipfix\.host or agent\.ipfix\.port/);
  });
  test("a bind is allowed when only [[agent.ipfix.collectors]] name collectors", () => {
    const config = ipfix("bind.port = 40000", "[[agent.ipfix.collectors]]", 'host = "192.0.2.1"');
    assert.deepEqual(config.targets[0]?.bind, { host: "", port: 40000 });
  });
  test("the bind-without-collector rule still runs when other keys of the table are wrong", () => {
    const issues = issuesOf(withTable("ipfix", "bind.port = 40000", "max_message_size = 1", "colour = 1"));
    assert.deepEqual(issues.map((i) => i.key), ["agent.ipfix.bind", "agent.ipfix.max_message_size", "agent.ipfix.colour"]);
  });
  test("rejects a bind port above 65535", () => {
    assert.equal(problem("bind.port", "bind.port = 65536"), "must be at most 65535, found 65536");
  });
  test("rejects a bind host that is not a string", () => {
    assert.equal(problem("bind.host", "bind.host = 1"), "expected a string, found integer 1");
  });
  test("rejects unknown keys in the bind table, suggesting the key meant", () => {
    assert.deepEqual(onlyIssue(withTable("ipfix", "port = 2055", "bind = { hots = \"::\" }")), {
      key: "agent.ipfix.bind.hots",
      line: 5,
      message: "unknown key; did you mean `agent.ipfix.bind.host`?",
    });
  });
});

describe("agent.ipfix.template_refresh: a duration of at least 1s", () => {
  test('defaults to "60s"', () => {
    assert.equal(ipfix().template_refresh, 60_000);
  });
  test("accepts 1s", () => {
    assert.equal(ipfix('template_refresh = "1s"').template_refresh, 1000);
  });
  test("rejects less than 1s", () => {
    assert.equal(problem("template_refresh", 'template_refresh = "999ms"'), 'must be at least 1s, found "999ms"');
  });
  test("rejects a number", () => {
    assert.equal(problem("template_refresh", "template_refresh = 60"), 'expected a duration string like "30s", found integer 60');
  });
});

describe("agent.ipfix.observation_domain_id: an unsigned 32-bit integer above 0", () => {
  test("defaults to 1, on the targets too", () => {
    assert.equal(ipfix().observation_domain_id, 1);
    assert.equal(ipfix("port = 2055").targets[0]?.observation_domain_id, 1);
  });
  test("accepts 4294967295", () => {
    assert.equal(ipfix("port = 2055", "observation_domain_id = 4294967295").targets[0]?.observation_domain_id, 4294967295);
  });
  test("rejects 0", () => {
    assert.equal(problem("observation_domain_id", "observation_domain_id = 0"), "must be at least 1, found 0");
  });
  test("rejects 4294967296", () => {
    assert.equal(problem("observation_domain_id", "observation_domain_id = 4294967296"), "must be at most 4294967295, found 4294967296");
  });
});

describe("agent.ipfix.queue_size: an integer, 0 meaning automatic", () => {
  test("defaults to 0", () => {
    assert.equal(ipfix().queue_size, 0);
  });
  test("rejects a negative size", () => {
    assert.equal(problem("queue_size", "queue_size = -1"), "must be at least 0, found -1");
  });
  test("rejects a float", () => {
    assert.equal(problem("queue_size", "queue_size = 1.5"), "expected an integer, found float 1.5");
  });
});

describe("effectiveQueueSize", () => {
  test("is the configured size when non-zero", () => {
    assert.equal(effectiveQueueSize(load(withTable("ipfix", "queue_size = 100")).config), 100);
  });
  test("is agent.collector.max_flows when 0 and max_flows is above 4096", () => {
    assert.equal(effectiveQueueSize(load(withAgent()).config), 65536);
    assert.equal(effectiveQueueSize(load(withTable("collector", "max_flows = 10000")).config), 10000);
  });
  test("is 4096 when 0 and max_flows is smaller", () => {
    assert.equal(effectiveQueueSize(load(withTable("collector", "max_flows = 1000")).config), 4096);
  });
});

describe("agent.ipfix.flush_interval: a duration of at least 10ms", () => {
  test('defaults to "1s"', () => {
    assert.equal(ipfix().flush_interval, 1000);
  });
  test("accepts 10ms", () => {
    assert.equal(ipfix('flush_interval = "10ms"').flush_interval, 10);
  });
  test("rejects less than 10ms", () => {
    assert.equal(problem("flush_interval", 'flush_interval = "9ms"'), 'must be at least 10ms, found "9ms"');
  });
});

describe("agent.ipfix.max_message_size: an integer from 128 to 65535", () => {
  test("defaults to 1200", () => {
    assert.equal(ipfix().max_message_size, 1200);
  });
  test("accepts 128 and 65535", () => {
    assert.equal(ipfix("max_message_size = 128").max_message_size, 128);
    assert.equal(ipfix("max_message_size = 65535").max_message_size, 65535);
  });
  test("rejects 127", () => {
    assert.equal(problem("max_message_size", "max_message_size = 127"), "must be at least 128, found 127");
  });
  test("rejects 65536", () => {
    assert.equal(problem("max_message_size", "max_message_size = 65536"), "must be at most 65535, found 65536");
  });
});

describe("agent.ipfix: unknown keys", () => {
  test("a misspelt key is named in full, with its line and the key meant", () => {
    assert.deepEqual(onlyIssue(withTable("ipfix", "flush_intervall = \"1s\"")), {
      key: "agent.ipfix.flush_intervall",
      line: 4,
      message: "unknown key; did you mean `agent.ipfix.flush_interval`?",
    });
  });
});

describe("agent.ipfix and agent.log: every mistake is reported in one run", () => {
  test("errors in both tables and in collector elements are listed together, by line", () => {
    const text = withAgent(
      "[agent.ipfix]", //                                       3
      "port = 70000", //                                        4
      'fields = ["octetDeltaCout", "sourceIPv4Address"]', //    5
      "templat_refresh = \"1s\"", //                            6
      "[[agent.ipfix.collectors]]", //                          7
      "hots = \"a\"", //                                        8
      "[[agent.ipfix.collectors]]", //                          9
      'host = "b"', //                                          10
      "port = 0", //                                            11
      "[agent.log]", //                                         12
      'path = ""', //                                           13
      "max_files = 0", //                                       14
    );
    assert.deepEqual(
      issuesOf(text).map((i) => [i.line, i.key]),
      [
        [4, "agent.ipfix.port"],
        [5, "agent.ipfix.fields[0]"],
        [6, "agent.ipfix.templat_refresh"],
        [7, "agent.ipfix.collectors[0].host"],
        [8, "agent.ipfix.collectors[0].hots"],
        [11, "agent.ipfix.collectors[1].port"],
        [13, "agent.log.path"],
        [14, "agent.log.max_files"],
      ],
    );
  });
});
