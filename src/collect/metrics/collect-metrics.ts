// `rfm collect`'s Prometheus metrics, written in the text format by hand
// like the agent's (src/metrics). RustFlow's series, renamed under rfm_collect_:
// packets_received_total -> rfm_collect_datagrams_total, bytes_received_total ->
// rfm_collect_bytes_total, flows_processed_total -> rfm_collect_flows_total,
// parse_errors_total -> rfm_collect_parse_errors_total (with a reason),
// unknown_version_total -> rfm_collect_unknown_version_total, active_exporters ->
// rfm_collect_active_exporters; plus templates, the data held for templates
// not yet received, what the caps on both let go, and the output's counters.
import { renderLabels, TextWriter } from "../../metrics/exposition.js";
import type { CollectorHeld } from "../collector.js";
import type { OutputStats } from "../output/batch-writer.js";
import type { ExporterCounters } from "./exporter-counters.js";

/** What the metrics read: one collector's, or several workers' merged. */
export interface CollectMetricsView {
  exporters: ExporterCounters;
  templates: { size: number; evictions: number };
  /** Template fields and v9 data held, and what their caps let go (absent: not rendered). */
  held?: CollectorHeld;
  output: OutputStats | undefined;
}

const ACTIVE_WINDOW_MS = 10 * 60_000;

export function renderCollectMetrics(c: CollectMetricsView, extra?: (w: TextWriter) => void): string {
  const w = new TextWriter();
  const ex = c.exporters.byExporter;
  w.header("rfm_collect_datagrams_total", "counter", "Datagrams received, by flow type and exporter.");
  for (const [exporter, e] of ex) for (const [type, n] of e.datagrams) w.sample("rfm_collect_datagrams_total", renderLabels([["type", type], ["exporter", exporter]]), n);
  w.header("rfm_collect_bytes_total", "counter", "Octets of UDP payload received, by exporter.");
  for (const [exporter, e] of ex) w.sample("rfm_collect_bytes_total", renderLabels([["exporter", exporter]]), e.octets);
  w.header("rfm_collect_flows_total", "counter", "Flow records decoded, by flow type and exporter.");
  for (const [exporter, e] of ex) for (const [type, n] of e.flows) w.sample("rfm_collect_flows_total", renderLabels([["type", type], ["exporter", exporter]]), n);
  w.header("rfm_collect_parse_errors_total", "counter", "Problems found in datagrams, by reason and exporter (the rest of each datagram is still decoded where the protocol allows).");
  for (const [exporter, e] of ex) for (const [reason, n] of e.errors) if (reason !== "unknown_version") w.sample("rfm_collect_parse_errors_total", renderLabels([["reason", reason], ["exporter", exporter]]), n);
  w.header("rfm_collect_unknown_version_total", "counter", "Datagrams of a version the flow type does not take, by exporter.");
  for (const [exporter, e] of ex) {
    const n = e.errors.get("unknown_version");
    if (n) w.sample("rfm_collect_unknown_version_total", renderLabels([["exporter", exporter]]), n);
  }
  w.header("rfm_collect_active_exporters", "gauge", "Exporters heard from in the last 10 minutes, by the flow type of their latest datagram.");
  for (const [type, n] of c.exporters.active(Date.now(), ACTIVE_WINDOW_MS)) w.sample("rfm_collect_active_exporters", renderLabels([["type", type]]), n);
  const t = c.templates;
  const h = c.held;
  const o = c.output;
  const series: [name: string, type: "gauge" | "counter", help: string, value: number | undefined][] = [
    ["rfm_collect_templates", "gauge", "Templates held, across exporters.", t.size],
    ["rfm_collect_template_evictions_total", "counter", "Templates dropped to stay under a cap: templates or fields in all, or an exporter's own.", t.evictions],
    ["rfm_collect_template_exporter_evictions_total", "counter", "Of the template evictions, those because the template's exporter held its most (its least recently defined went).", h?.templateExporterEvictions],
    ["rfm_collect_template_expirations_total", "counter", "Templates not defined again within the template timeout, dropped.", h?.templateExpirations],
    ["rfm_collect_template_fields", "gauge", "Fields of the templates held, added up (capped like the templates).", h?.templateFields],
    ["rfm_collect_held_flowsets", "gauge", "NetFlow v9 data FlowSets held until their template arrives.", h?.heldFlowSets],
    ["rfm_collect_held_octets", "gauge", "Octets of the FlowSets held.", h?.heldOctets],
    ["rfm_collect_exporter_facts", "gauge", "Sampling rates and boot times from exporters' options data, per exporter session and domain.", h?.exporterFacts],
    ["rfm_collect_exporter_fact_evictions_total", "counter", "Exporters' options facts dropped at the cap (16,384; the least recently updated).", h?.exporterFactEvictions],
  ];
  for (const [name, type, help, value] of series) {
    if (value === undefined) continue;
    w.header(name, type, help);
    w.sample(name, "", value);
  }
  if (h) {
    w.header("rfm_collect_held_dropped_total", "counter", "Held FlowSets dropped: past the cap on FlowSets or octets (full), or held too long without their template (expired).");
    w.sample("rfm_collect_held_dropped_total", renderLabels([["reason", "full"]]), h.heldDroppedFull);
    w.sample("rfm_collect_held_dropped_total", renderLabels([["reason", "expired"]]), h.heldDroppedExpired);
  }
  const outputs: [name: string, help: string, value: number | undefined][] = [
    ["rfm_collect_output_records_total", "Records (or raw datagrams) written.", o?.items],
    ["rfm_collect_output_bytes_total", "Octets written.", o?.bytes],
    ["rfm_collect_output_files_total", "Output files finished.", o?.files],
    ["rfm_collect_output_write_errors_total", "Failed writes (each drops what it was writing).", o?.writeErrors],
  ];
  for (const [name, help, value] of outputs) {
    if (value === undefined) continue;
    w.header(name, "counter", help);
    w.sample(name, "", value);
  }
  extra?.(w);
  return w.text();
}
