// IPFIX data records as flow records. Options records are read for the
// exporter's sampling rate and boot time (samplingInterval and friends,
// systemInitTimeMilliseconds), which then apply to its later data records.
import type { DecodedMessage } from "../../ipfix/index.js";
import type { FlowRecord } from "../../flow-record/index.js";
import type { Datagram } from "../datagram.js";
import { icmpFromPort } from "./icmp-in-port.js";
import { compileTemplate } from "./information-elements.js";
import { directSamplingRate, setRecords, type DirectFacts } from "./flow-reader.js";
import { samplingRateOf, type ExporterState } from "./exporter-state.js";

export function normaliseIpfix(m: DecodedMessage, session: string, d: Datagram, state: ExporterState, out: FlowRecord[]): void {
  const h = m.header;
  if (!h) return;
  const domain = h.observationDomainId;
  for (const set of m.sets) {
    if (set.kind !== "data") continue;
    const ids = set.template.fields.map((f) => (f.enterprise === 0 ? f.id : -1));
    if (set.options) {
      for (const values of set.records) {
        const rate = samplingRateOf(ids, values);
        const init = ids.indexOf(160);
        const initMs = init >= 0 ? values[init] : undefined;
        if (rate !== undefined || typeof initMs === "number") {
          state.update(session, domain, { ...(rate !== undefined ? { samplingRate: rate } : {}), ...(typeof initMs === "number" ? { systemInitMs: initMs } : {}) });
        }
      }
      continue;
    }
    const facts = state.get(session, domain);
    const { count, direct, offsets, values } = setRecords(set, d.bytes);
    const { setters } = compileTemplate(set.template);
    for (let r = 0; r < count; r++) {
      const f: FlowRecord = {
        flowType: "IPFIX", receivedMs: d.receivedMs, receivedNs: d.receivedNs, sequence: h.sequenceNumber, samplerAddress: d.exporter,
        bytes: 0, packets: 0, observationDomainId: domain, templateId: set.setId,
      };
      const t: DirectFacts = {};
      let rate: number | undefined;
      if (direct) {
        direct.read(d.bytes, offsets![r]!, f, t);
        rate = directSamplingRate(t);
      } else {
        const v = values[r]!;
        for (let i = 0; i < setters.length; i++) {
          const s = setters[i];
          if (s) s(f, v[i]!, t);
        }
        rate = samplingRateOf(ids, v);
      }
      rate ??= facts?.samplingRate;
      if (rate !== undefined) f.samplingRate = rate;
      const init = t.systemInitMs ?? facts?.systemInitMs;
      if (f.startMs === undefined && t.startSysUpMs !== undefined && init !== undefined) f.startMs = init + t.startSysUpMs;
      if (f.endMs === undefined && t.endSysUpMs !== undefined && init !== undefined) f.endMs = init + t.endSysUpMs;
      if (f.startMs === undefined && t.startDeltaUs !== undefined) f.startMs = h.exportTime * 1000 - t.startDeltaUs / 1000;
      if (f.endMs === undefined && t.endDeltaUs !== undefined) f.endMs = h.exportTime * 1000 - t.endDeltaUs / 1000;
      icmpFromPort(f);
      out.push(f);
    }
  }
}
