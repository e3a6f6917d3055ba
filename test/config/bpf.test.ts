import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { effectiveWakeupBatch, type BpfConfig } from "../../src/config/index.js";
import { issuesOf, load, onlyIssue, withTable } from "./expect-config.js";

function bpf(...lines: string[]): BpfConfig {
  return load(withTable("bpf", ...lines)).config.agent.bpf;
}

/** The message of the one issue, which must be at `key` on line 4 (the first line after the header). */
function problem(key: string, line: string): string {
  const issue = onlyIssue(withTable("bpf", line));
  assert.equal(issue.key, `agent.bpf.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("agent.bpf.sample_rate: an unsigned 32-bit integer above 0", () => {
  test("accepts 1 and 4294967295", () => {
    assert.equal(bpf("sample_rate = 1").sample_rate, 1);
    assert.equal(bpf("sample_rate = 4294967295").sample_rate, 4294967295);
  });
  test("rejects 0", () => {
    assert.equal(problem("sample_rate", "sample_rate = 0"), "must be at least 1, found 0");
  });
  test("rejects 4294967296", () => {
    assert.equal(problem("sample_rate", "sample_rate = 4294967296"), "must be at most 4294967295, found 4294967296");
  });
  test("rejects a string, naming the expected type and the value", () => {
    assert.equal(problem("sample_rate", 'sample_rate = "100"'), 'expected an integer, found string "100"');
  });
  test("rejects a float even when it is whole", () => {
    assert.equal(problem("sample_rate", "sample_rate = 100.0"), "expected an integer, found float 100.0");
  });
  test("accepts other TOML integer spellings", () => {
    assert.equal(bpf("sample_rate = 1_000").sample_rate, 1000);
    assert.equal(bpf("sample_rate = 0x10").sample_rate, 16);
  });
});

describe("agent.bpf.ring_buf_size: a power of two, a multiple of 4096, at most 2^30", () => {
  test("accepts 4096 and 1073741824", () => {
    assert.equal(bpf("ring_buf_size = 4096").ring_buf_size, 4096);
    assert.equal(bpf("ring_buf_size = 1073741824").ring_buf_size, 2 ** 30);
  });
  test("rejects a size that is not a power of two, suggesting the nearest ones", () => {
    assert.equal(
      problem("ring_buf_size", "ring_buf_size = 300000"),
      "must be a power of two, found 300000 (nearest valid: 262144 or 524288)",
    );
  });
  test("rejects a power of two smaller than the page size", () => {
    assert.equal(problem("ring_buf_size", "ring_buf_size = 2048"), "must be a multiple of the page size (4096), found 2048");
  });
  test("rejects 0", () => {
    assert.match(problem("ring_buf_size", "ring_buf_size = 0"), /^must be a power of two, found 0/);
  });
  test("rejects 2^31", () => {
    assert.equal(problem("ring_buf_size", "ring_buf_size = 2147483648"), "must be at most 1073741824, found 2147483648");
  });
});

describe("agent.bpf.wakeup_batch: an unsigned 32-bit integer, 0 meaning automatic", () => {
  test("accepts 0 and 1", () => {
    assert.equal(bpf("wakeup_batch = 0").wakeup_batch, 0);
    assert.equal(bpf("wakeup_batch = 1").wakeup_batch, 1);
  });
  test("rejects -1", () => {
    assert.equal(problem("wakeup_batch", "wakeup_batch = -1"), "must be at least 0, found -1");
  });
  test("automatic is a quarter of the ring's capacity in events (72 bytes each)", () => {
    assert.equal(effectiveWakeupBatch(load(withTable("bpf")).config), Math.floor(262_144 / 4 / 72));
    assert.equal(effectiveWakeupBatch(load(withTable("bpf", "ring_buf_size = 4096")).config), 14);
    assert.equal(effectiveWakeupBatch(load(withTable("bpf", "wakeup_batch = 7")).config), 7);
  });
});

describe('agent.bpf.timestamps: "tick" or "precise"', () => {
  test('defaults to "tick" and accepts "precise"', () => {
    assert.equal(bpf("").timestamps, "tick");
    assert.equal(bpf('timestamps = "precise"').timestamps, "precise");
  });
  test("rejects anything else, naming the choices", () => {
    assert.equal(problem("timestamps", 'timestamps = "exact"'), 'must be one of "tick", "precise", found string "exact"');
    assert.equal(problem("timestamps", "timestamps = 1"), "expected a string, found integer 1");
  });
});

describe("agent.bpf.iface_stats_size: an integer, 0 meaning automatic", () => {
  test("accepts 0 and 1000", () => {
    assert.equal(bpf("iface_stats_size = 0").iface_stats_size, 0);
    assert.equal(bpf("iface_stats_size = 1000").iface_stats_size, 1000);
  });
  test("rejects a negative size", () => {
    assert.equal(problem("iface_stats_size", "iface_stats_size = -1"), "must be at least 0, found -1");
  });
  test("rejects a float", () => {
    assert.equal(problem("iface_stats_size", "iface_stats_size = 1.5"), "expected an integer, found float 1.5");
  });
});

describe("agent.bpf.adaptive_sampling: a boolean", () => {
  test("accepts true", () => {
    assert.equal(bpf("adaptive_sampling = true").adaptive_sampling, true);
  });
  test('rejects "yes"', () => {
    assert.equal(problem("adaptive_sampling", 'adaptive_sampling = "yes"'), 'expected a boolean (true or false), found string "yes"');
  });
  test("rejects 1", () => {
    assert.equal(problem("adaptive_sampling", "adaptive_sampling = 1"), "expected a boolean (true or false), found integer 1");
  });
});

describe("agent.bpf.max_sample_rate: at least sample_rate", () => {
  test("accepts a value equal to sample_rate", () => {
    assert.equal(bpf("sample_rate = 500", "max_sample_rate = 500").max_sample_rate, 500);
  });
  test("rejects a value below sample_rate, naming both", () => {
    const issue = onlyIssue(withTable("bpf", "sample_rate = 2000", "max_sample_rate = 1500"));
    assert.deepEqual(issue, {
      key: "agent.bpf.max_sample_rate",
      line: 5,
      message: "must be at least agent.bpf.sample_rate (2000), found 1500",
    });
  });
  test("defaults to 1000, or to sample_rate when that is higher", () => {
    assert.equal(bpf("sample_rate = 10").max_sample_rate, 1000);
    assert.equal(bpf("sample_rate = 5000").max_sample_rate, 5000);
  });
  test("rejects 0", () => {
    assert.equal(problem("max_sample_rate", "max_sample_rate = 0"), "must be at least 1, found 0");
  });
  test("is still compared with sample_rate when other keys of the table are wrong or unknown", () => {
    const issues = issuesOf(withTable("bpf", "sample_rate = 2000", "max_sample_rate = 1500", "wakeup_batch = -1", "colour = 1"));
    assert.deepEqual(issues.map((i) => i.key), ["agent.bpf.max_sample_rate", "agent.bpf.wakeup_batch", "agent.bpf.colour"]);
  });
});

describe("agent.bpf.pin_path: empty or an absolute path", () => {
  test("accepts an absolute path", () => {
    assert.equal(bpf('pin_path = "/sys/fs/bpf/rfm"').pin_path, "/sys/fs/bpf/rfm");
  });
  test("accepts the empty string (no pinning)", () => {
    assert.equal(bpf('pin_path = ""').pin_path, "");
  });
  test("rejects a relative path", () => {
    assert.equal(problem("pin_path", 'pin_path = "rfm"'), 'must be an absolute path (or "" to not pin), found "rfm"');
  });
  test("rejects a non-string", () => {
    assert.equal(problem("pin_path", "pin_path = true"), "expected a string, found boolean true");
  });
});

describe("agent.bpf.attach_mode: auto, tcx or clsact", () => {
  test("accepts each mode", () => {
    for (const mode of ["auto", "tcx", "clsact"]) assert.equal(bpf(`attach_mode = "${mode}"`).attach_mode, mode);
  });
  test("rejects another word, listing the modes", () => {
    assert.equal(problem("attach_mode", 'attach_mode = "xdp"'), 'must be one of "auto", "tcx", "clsact", found string "xdp"');
  });
  test("rejects a non-string", () => {
    assert.equal(problem("attach_mode", "attach_mode = 1"), "expected a string, found integer 1");
  });
});
