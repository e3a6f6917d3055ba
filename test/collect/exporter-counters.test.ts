// Per-exporter metrics stay bounded: past the label cap every new exporter
// lands in one "other" series, counted like the rest.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ExporterCounters, OTHER_EXPORTERS } from "../../src/collect/metrics/exporter-counters.js";

test("10,000 source addresses past a cap of 3 make 4 series; nothing is lost from the totals", () => {
  const c = new ExporterCounters(3);
  for (let i = 0; i < 10_000; i++) c.datagram(`192.0.2.${i % 250}/${i}`, "ipfix", 100, 2, 1000);
  c.problem("203.0.113.1", "unknown_template", 1000);
  assert.equal(c.byExporter.size, 4);
  const other = c.byExporter.get(OTHER_EXPORTERS)!;
  assert.equal(other.datagrams.get("ipfix"), 9_997);
  assert.equal(other.errors.get("unknown_template"), 1);
  const flows = [...c.byExporter.values()].reduce((n, e) => n + (e.flows.get("ipfix") ?? 0), 0);
  assert.equal(flows, 20_000);
  assert.deepEqual([...c.active(1000, 60_000)], [["ipfix", 3]], "the other series is not an exporter");
  assert.deepEqual([...c.active(100_000, 60_000)], [], "none heard from in the window");
});
