// The collector's stages on crafted datagrams: NetFlow v9 data that came
// before its template is held and decoded once the template arrives;
// sampling from options data applies to later records (and --renormalize
// scales them); held data whose template never comes is dropped, counted.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { Collector } from "../../src/collect/collector.js";
import type { Datagram } from "../../src/collect/datagram.js";
import { KeptRecords } from "./kept-records.js";
import { encodeMessage, field, type Template } from "../../src/ipfix/index.js";
import { encodeNetflowV9 } from "../../src/netflow-v9/index.js";
import { formatAddress } from "../../src/net/address.js";


const TEMPLATE: Template = { id: 300, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("octetDeltaCount", 4), field("packetDeltaCount", 4), field("flowStartSysUpTime"), field("flowEndSysUpTime")] };
const SAMPLING: Template = { id: 400, scopeFieldCount: 1, fields: [{ id: 1, length: 4 }, { id: 34, length: 4 }] }; // scope: system; samplingInterval
const at = (ms: number, bytes: Uint8Array): Datagram => ({ bytes, exporter: "192.0.2.7", exporterPort: 2055, receivedMs: ms, receivedNs: 0 });
const header = { sysUptime: 10_000, unixSecs: 1_700_000_000, sourceId: 5 };

function collector(renormalize = false) {
  const kept = new KeptRecords();
  return { kept, c: new Collector({ protocol: "netflow", output: { kind: "common", writer: kept }, renormalize }) };
}

describe("collector stages", () => {
  test("v9 data before its template is held, then decoded when the template comes; times from the header's clocks", async () => {
    const { kept, c } = collector();
    const data = encodeNetflowV9({ ...header, sequenceNumber: 1, sets: [{ kind: "data", template: TEMPLATE, records: [["198.51.100.1", "203.0.113.9", 1500, 3, 9_000, 9_500]] }] });
    await c.handle([at(1000, data)]);
    assert.equal(kept.records.length, 0);
    assert.equal(c.decoder.pending.size, 1);
    const tpl = encodeNetflowV9({ ...header, sequenceNumber: 2, sets: [{ kind: "templates", templates: [TEMPLATE] }] });
    await c.handle([at(1100, tpl)]);
    assert.equal(kept.records.length, 1);
    const r = kept.records[0]!;
    assert.deepEqual([r.flowType, formatAddress(r.src!), formatAddress(r.dst!), r.bytes, r.packets, r.observationDomainId, r.templateId], ["NETFLOW_V9", "198.51.100.1", "203.0.113.9", 1500, 3, 5, 300]);
    assert.deepEqual([r.startMs, r.endMs], [1_700_000_000_000 - 1000, 1_700_000_000_000 - 500]);
    assert.equal(c.decoder.pending.stats.decodedLate, 1);
  });

  test("options data's samplingInterval applies to the exporter's later records; --renormalize multiplies by it", async () => {
    for (const renormalize of [false, true]) {
      const { kept, c } = collector(renormalize);
      const d = encodeNetflowV9({
        ...header,
        sets: [
          { kind: "templates", options: true, templates: [SAMPLING] },
          { kind: "templates", templates: [TEMPLATE] },
          { kind: "data", template: SAMPLING, records: [[new Uint8Array(4), 100]] },
          { kind: "data", template: TEMPLATE, records: [["198.51.100.1", "203.0.113.9", 1500, 3, 9_000, 9_500]] },
        ],
      });
      await c.handle([at(1000, d)]);
      assert.equal(kept.records.length, 1, "options data is not a flow");
      assert.equal(kept.records[0]!.samplingRate, 100);
      assert.deepEqual([c.held().exporterFacts, c.held().exporterFactEvictions], [1, 0], "one exporter's options facts held");
      assert.deepEqual([kept.records[0]!.bytes, kept.records[0]!.packets], renormalize ? [150_000, 300] : [1500, 3]);
    }
  });

  test("IPFIX options' samplerRandomInterval (an ID IANA keeps for v9 compatibility, untyped in its registry) sets the rate, as pmacct's nfprobe sends it", async () => {
    const { kept, c } = collector();
    const options: Template = { id: 4096, scopeFieldCount: 1, fields: [field("exportingProcessId"), { id: 48, length: 1, type: "unsigned8" }, { id: 50, length: 4, type: "unsigned32" }] };
    const data: Template = { id: 1024, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("octetDeltaCount"), field("packetDeltaCount")] };
    const m = encodeMessage({
      exportTime: 1_700_000_000, sequenceNumber: 0, observationDomainId: 77,
      sets: [
        { kind: "templates", options: true, templates: [options] },
        { kind: "templates", templates: [data] },
        { kind: "data", template: options, records: [[0x7f000001, 1, 16]] },
        { kind: "data", template: data, records: [["198.51.100.1", "203.0.113.9", 1500n, 3n]] },
      ],
    });
    await c.handle([at(1000, m)]);
    assert.equal(kept.records.length, 1);
    assert.equal(kept.records[0]!.samplingRate, 16);
  });

  test("ICMP type and code from the destination port where the template has no ICMP element (softflowd, pmacct), the element's own where it has", async () => {
    const { kept, c } = collector();
    const bare: Template = { id: 1024, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("protocolIdentifier"), field("destinationTransportPort"), field("octetDeltaCount"), field("packetDeltaCount")] };
    const typed: Template = { id: 1025, fields: [...bare.fields, field("icmpTypeCodeIPv4")] };
    const m = encodeMessage({
      exportTime: 1_700_000_000, sequenceNumber: 0, observationDomainId: 1,
      sets: [
        { kind: "templates", templates: [bare, typed] },
        { kind: "data", template: bare, records: [["198.51.100.1", "203.0.113.9", 1, 0x0303, 84n, 1n], ["198.51.100.1", "203.0.113.9", 17, 0x0303, 84n, 1n]] },
        { kind: "data", template: typed, records: [["198.51.100.1", "203.0.113.9", 1, 0x0303, 84n, 1n, 0x0800]] },
      ],
    });
    await c.handle([at(1000, m)]);
    assert.deepEqual(kept.records.map((r) => [r.proto, r.dport, r.icmpType, r.icmpCode]), [[1, 0x0303, 3, 3], [17, 0x0303, undefined, undefined], [1, 0x0303, 8, 0]]);
  });

  test("held data whose template does not come within 10 s is dropped and counted", async () => {
    const { kept, c } = collector();
    const data = encodeNetflowV9({ ...header, sets: [{ kind: "data", template: TEMPLATE, records: [["198.51.100.1", "203.0.113.9", 1, 1, 0, 0]] }] });
    await c.handle([at(1000, data)]);
    const other: Template = { ...TEMPLATE, id: 301 };
    await c.handle([at(20_000, encodeNetflowV9({ ...header, sets: [{ kind: "templates", templates: [other] }] }))]);
    assert.equal(kept.records.length, 0);
    assert.equal(c.decoder.pending.stats.dropped, 1);
    assert.equal(c.stats.errors.get("unknown_template"), 1);
  });

  test("a template not sent again within --template-timeout expires: later data is unknown_template, counted", async () => {
    const kept = new KeptRecords();
    const c = new Collector({ protocol: "netflow", output: { kind: "common", writer: kept }, templateTimeoutMs: 60_000 });
    const tpl = encodeNetflowV9({ ...header, sets: [{ kind: "templates", templates: [TEMPLATE] }] });
    const data = encodeNetflowV9({ ...header, sets: [{ kind: "data", template: TEMPLATE, records: [["198.51.100.1", "203.0.113.9", 1, 1, 0, 0]] }] });
    await c.handle([at(0, tpl), at(59_000, data)]);
    assert.equal(kept.records.length, 1, "within the timeout");
    await c.handle([at(61_000, data)]);
    assert.equal(kept.records.length, 1);
    assert.equal(c.decoder.templates.stats.expirations, 1);
    assert.equal(c.decoder.pending.size, 1, "the data is held for its template");
    await c.handle([at(62_000, tpl), at(63_000, data)]);
    assert.equal(kept.records.length, 3, "sent again, the template decodes the held data and the next");
  });

  test("a datagram of an unknown version is counted, per exporter, and nothing else happens", async () => {
    const { kept, c } = collector();
    await c.handle([at(1000, Uint8Array.from([0, 7, 0, 0]))]);
    assert.equal(kept.records.length, 0);
    assert.equal(c.exporters.byExporter.get("192.0.2.7")!.errors.get("unknown_version"), 1);
  });
});
