// The process and Node.js runtime metrics keep the names and types of
// prom-client's default metrics, so dashboards built on them keep working.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { ProcessMetrics } from "../../src/metrics/process-metrics.js";
import { TextWriter } from "../../src/metrics/exposition.js";
import { sample } from "./exposition-reader.js";

const TYPES: Record<string, "counter" | "gauge" | "histogram"> = {
  process_cpu_user_seconds_total: "counter",
  process_cpu_system_seconds_total: "counter",
  process_cpu_seconds_total: "counter",
  process_start_time_seconds: "gauge",
  process_resident_memory_bytes: "gauge",
  process_virtual_memory_bytes: "gauge",
  process_heap_bytes: "gauge",
  process_open_fds: "gauge",
  process_max_fds: "gauge",
  nodejs_eventloop_lag_seconds: "gauge",
  nodejs_eventloop_lag_min_seconds: "gauge",
  nodejs_eventloop_lag_max_seconds: "gauge",
  nodejs_eventloop_lag_mean_seconds: "gauge",
  nodejs_eventloop_lag_stddev_seconds: "gauge",
  nodejs_eventloop_lag_p50_seconds: "gauge",
  nodejs_eventloop_lag_p90_seconds: "gauge",
  nodejs_eventloop_lag_p99_seconds: "gauge",
  nodejs_active_resources: "gauge",
  nodejs_heap_size_total_bytes: "gauge",
  nodejs_heap_size_used_bytes: "gauge",
  nodejs_external_memory_bytes: "gauge",
  nodejs_heap_space_size_total_bytes: "gauge",
  nodejs_heap_space_size_used_bytes: "gauge",
  nodejs_heap_space_size_available_bytes: "gauge",
  nodejs_version_info: "gauge",
  nodejs_gc_duration_seconds: "histogram",
};

async function render(): Promise<string> {
  const metrics = new ProcessMetrics();
  try {
    const w = new TextWriter();
    await metrics.write(w);
    return w.text();
  } finally {
    metrics.close();
  }
}

describe("process and runtime metrics", () => {
  test("every metric of prom-client's defaults the agent exports, with its type", async () => {
    const types = Object.fromEntries([...(await render()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(types, TYPES);
  });

  test("values describe this process", async () => {
    const text = await render();
    const [major, minor, patch] = process.versions.node.split(".");
    assert.equal(sample(text, "nodejs_version_info", `version="${process.version}",major="${major}",minor="${minor}",patch="${patch}"`), 1);
    assert.ok(sample(text, "process_resident_memory_bytes", "")! > 10 * 1048576, "RSS in bytes");
    assert.ok(sample(text, "process_open_fds", "")! >= 3, "stdin, stdout, stderr at least");
    assert.ok(Math.abs(sample(text, "process_start_time_seconds", "")! - (Date.now() / 1000 - process.uptime())) <= 1);
  });
});
