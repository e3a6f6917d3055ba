import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULT_FIELDS } from "../../src/export/ipfix-fields.js";
import { load, SOURCE, withAgent } from "./expect-config.js";

describe("a minimal config ([agent] with interfaces only)", () => {
  const loaded = load(withAgent());

  test("gets the documented [agent.bpf] defaults", () => {
    assert.deepEqual(loaded.config.agent.bpf, {
      sample_rate: 100,
      ring_buf_size: 262144,
      wakeup_batch: 0,
      timestamps: "tick",
      iface_stats_size: 0,
      adaptive_sampling: false,
    attach_mode: "auto",
      max_sample_rate: 1000,
      pin_path: "",
    });
  });

  test("gets the documented [agent.collector] defaults, durations in milliseconds", () => {
    assert.deepEqual(loaded.config.agent.collector, { max_flows: 65536, eviction_timeout: 30_000, active_timeout: 60_000 });
  });

  test("gets the documented [agent.prometheus] defaults", () => {
    assert.deepEqual(loaded.config.agent.prometheus, { host: "::1", port: 9669 });
  });

  test("gets the documented [agent.ipfix] defaults: export off, durations in milliseconds", () => {
    assert.deepEqual(loaded.config.agent.ipfix, {
      host: "",
      port: 0,
      bind: { host: "", port: 0 },
      template_refresh: 60_000,
      observation_domain_id: 1,
      queue_size: 0,
      flush_interval: 1000,
      max_message_size: 1200,
      fields: DEFAULT_FIELDS,
      collectors: [],
      enabled: false,
      targets: [],
    });
  });

  test("gets the documented [agent.log] defaults: no flow log", () => {
    assert.deepEqual(loaded.config.agent.log, { path: "", max_size: 104_857_600, max_files: 5 });
  });

  test("keeps the raw interface patterns next to the matcher the agent uses", () => {
    assert.deepEqual(loaded.config.agent.interfaces, ["eth0"]);
    assert.deepEqual(loaded.config.agent.interfaceMatcher.patterns.map((p) => p.source), ["eth0"]);
    assert.ok(loaded.config.agent.interfaceMatcher.matches("eth0"));
  });

  test("has no warnings and returns the text and source it was given", () => {
    assert.deepEqual(loaded.warnings, []);
    assert.equal(loaded.text, withAgent());
    assert.equal(loaded.source, SOURCE);
  });
});
