// NetFlow v9 data records as flow records: the same element mapping as
// IPFIX (field types 1-127 are IPFIX elements), FIRST_SWITCHED and
// LAST_SWITCHED through the header's clocks, the source ID as observation
// domain, sampling from the exporter's options data (per source ID).
import type { FlowRecord } from "../../flow-record/index.js";
import { switchedTimes, switchedToUnixMs, type NetflowV9Decoded } from "../../netflow-v9/index.js";
import type { Datagram } from "../datagram.js";
import { icmpFromPort } from "./icmp-in-port.js";
import { compileTemplate, type RecordTimes } from "./information-elements.js";
import { directSamplingRate, setRecords, type DirectFacts } from "./flow-reader.js";
import { samplingRateOf, type ExporterState } from "./exporter-state.js";

export function normaliseNetflowV9(m: NetflowV9Decoded, session: string, d: Datagram, state: ExporterState, out: FlowRecord[]): void {
  const h = m.header;
  if (!h) return;
  for (const set of m.sets) {
    if (set.kind !== "data") continue;
    const scope = set.template.scopeFieldCount;
    // Scope fields carry scope types (1 system ... 5 template), not element IDs: leave them out.
    const ids = set.template.fields.map((f, i) => (i < scope || f.enterprise !== 0 ? -1 : f.id));
    if (set.options) {
      for (const values of set.records) {
        const rate = samplingRateOf(ids, values);
        if (rate !== undefined) state.update(session, h.sourceId, { samplingRate: rate });
      }
      continue;
    }
    const facts = state.get(session, h.sourceId);
    const { count, direct, offsets, values } = setRecords(set, d.bytes);
    const { setters } = compileTemplate(set.template);
    for (let r = 0; r < count; r++) {
      const f: FlowRecord = {
        flowType: "NETFLOW_V9", receivedMs: d.receivedMs, receivedNs: d.receivedNs, sequence: h.sequenceNumber, samplerAddress: d.exporter,
        bytes: 0, packets: 0, observationDomainId: h.sourceId, templateId: set.flowSetId,
      };
      let rate: number | undefined;
      if (direct) {
        const t: DirectFacts = {};
        direct.read(d.bytes, offsets![r]!, f, t);
        if (t.startSysUpMs !== undefined) f.startMs = switchedToUnixMs(t.startSysUpMs, h);
        if (t.endSysUpMs !== undefined) f.endMs = switchedToUnixMs(t.endSysUpMs, h);
        rate = directSamplingRate(t);
      } else {
        const v = values[r]!;
        const t: RecordTimes = {};
        for (let i = 0; i < setters.length; i++) {
          const s = setters[i];
          if (s) s(f, v[i]!, t);
        }
        const { start, end } = switchedTimes(set.template, v, h);
        if (start !== undefined) f.startMs = start;
        if (end !== undefined) f.endMs = end;
        rate = samplingRateOf(ids, v);
      }
      rate ??= facts?.samplingRate;
      if (rate !== undefined) f.samplingRate = rate;
      icmpFromPort(f);
      out.push(f);
    }
  }
}
