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

test("the cap holds across merged counters (one set per worker): exporters past it are added into other", () => {
  const workers = [new ExporterCounters(3), new ExporterCounters(3)];
  for (let i = 0; i < 8; i++) workers[i % 2]!.datagram(`192.0.2.${i}`, "ipfix", 100, 1, 1000);
  const merged = new ExporterCounters(3);
  for (const w of workers) merged.merge(w.byExporter);
  for (const w of workers) merged.merge(w.byExporter); // a second snapshot adds again, into the same series
  assert.deepEqual([...merged.byExporter.keys()], ["192.0.2.0", "192.0.2.2", "192.0.2.4", OTHER_EXPORTERS]);
  const datagrams = [...merged.byExporter.values()].reduce((n, e) => n + (e.datagrams.get("ipfix") ?? 0), 0);
  assert.equal(datagrams, 16, "nothing lost");
  assert.equal(merged.byExporter.get(OTHER_EXPORTERS)!.datagrams.get("ipfix"), 10);
});
