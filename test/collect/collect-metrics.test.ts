// rfm collect's metrics text: the template and held-data caps' series, when
// the view carries them (the decode stage's held()), with what each cap let go.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { FlowDecoder } from "../../src/collect/decode/flow-decoder.js";
import { renderCollectMetrics } from "../../src/collect/metrics/collect-metrics.js";
import { ExporterCounters } from "../../src/collect/metrics/exporter-counters.js";
import { encodeNetflowV9 } from "../../src/netflow-v9/index.js";
import type { Template } from "../../src/ipfix/index.js";

const T: Template = { id: 300, fields: [{ id: 4, length: 1 }, { id: 8, length: 4 }] };

test("held v9 data, template fields and what the caps dropped are served; without them, nothing new", () => {
  const d = new FlowDecoder({ protocol: "netflow" });
  const datagram = (sets: Parameters<typeof encodeNetflowV9>[0]["sets"], ms: number) =>
    d.decode({ bytes: encodeNetflowV9({ sourceId: 1, sets }), exporter: "192.0.2.1", exporterPort: 2055, receivedMs: ms, receivedNs: 0 });
  datagram([{ kind: "data", template: T, records: [[6, "10.0.0.1"]] }], 0);
  datagram([{ kind: "data", template: { ...T, id: 301 }, records: [[6, "10.0.0.1"]] }], 20_000); // the first is past 10 s now
  datagram([{ kind: "templates", templates: [{ id: 302, fields: [{ id: 4, length: 1 }] }] }], 20_001);
  const view = { exporters: new ExporterCounters(), templates: { size: d.templates.size, evictions: d.templates.stats.evictions }, output: undefined };
  const text = renderCollectMetrics({ ...view, held: { ...d.held(), exporterFacts: 3, exporterFactEvictions: 2 } });
  for (const line of [
    "rfm_collect_held_flowsets 1", "rfm_collect_held_octets 12", 'rfm_collect_held_dropped_total{reason="expired"} 1', 'rfm_collect_held_dropped_total{reason="full"} 0',
    "rfm_collect_template_fields 1", "rfm_collect_template_exporter_evictions_total 0", "rfm_collect_template_expirations_total 0", "rfm_collect_templates 1",
    "rfm_collect_exporter_facts 3", "rfm_collect_exporter_fact_evictions_total 2",
  ]) assert.ok(text.split("\n").includes(line), `${line} in\n${text}`);
  assert.ok(!renderCollectMetrics(view).includes("rfm_collect_held_"));
});
