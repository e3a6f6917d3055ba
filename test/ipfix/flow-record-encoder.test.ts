// The agent's flow records as IPFIX: which field holds what.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { EndReason, type FlowRecord } from "../../src/flow/table.js";
import { FLOW_IPV4_TEMPLATE, FlowRecordEncoder } from "../../src/ipfix/flow-record-encoder.js";
import { MessageBuilder } from "../../src/ipfix/message-builder.js";
import { decodeMessage, type DecodedDataSet } from "../../src/ipfix/message-decoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { parseAddress } from "../../src/net/address.js";

function record(over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    ifindex: 3,
    direction: 0,
    proto: 6,
    family: 4,
    src: parseAddress("192.0.2.10"),
    dst: parseAddress("198.51.100.7"),
    sport: 40000,
    dport: 443,
    packets: 120,
    bytes: 150_000,
    ipBytes: 148_320,
    sampledPackets: 12,
    sampledBytes: 15_000,
    startMs: 1_700_000_000_123.75,
    endMs: 1_700_000_004_000.5,
    reason: EndReason.Idle,
    ...over,
  };
}

function exportRecords(records: FlowRecord[]) {
  const messages: Uint8Array[] = [];
  const builder = new MessageBuilder({ observationDomainId: 1, onMessage: (m) => messages.push(m) });
  const enc = new FlowRecordEncoder(builder);
  for (const r of records) enc.append(r);
  builder.flush();
  const cache = new TemplateCache();
  const sets: DecodedDataSet[] = [];
  for (const m of messages) {
    const d = decodeMessage(m, { session: "agent", cache });
    assert.deepEqual(d.errors, []);
    for (const s of d.sets) if (s.kind === "data") sets.push(s);
  }
  const named = sets.flatMap((s) => s.records.map((r) => Object.fromEntries(s.template.fields.map((f, i) => [f.name, r[i]]))));
  return { messages, sets, named };
}

describe("flow record encoder", () => {
  test("an IPv4 record fills the agent's IPv4 template field by field", () => {
    const { named, sets } = exportRecords([record()]);
    assert.equal(sets[0].setId, FLOW_IPV4_TEMPLATE.id);
    assert.deepEqual(named[0], {
      sourceIPv4Address: "192.0.2.10",
      destinationIPv4Address: "198.51.100.7",
      sourceTransportPort: 40000,
      destinationTransportPort: 443,
      protocolIdentifier: 6,
      ingressInterface: 3,
      egressInterface: 0,
      flowDirection: 0,
      flowStartMilliseconds: 1_700_000_000_123,
      flowEndMilliseconds: 1_700_000_004_000,
      packetDeltaCount: 120n,
      octetDeltaCount: 148_320n,
      flowEndReason: 1,
      samplingProbability: 0.1,
    });
  });

  test("egress records name the interface as egressInterface", () => {
    const { named } = exportRecords([record({ direction: 1, reason: EndReason.Active })]);
    assert.equal(named[0].ingressInterface, 0);
    assert.equal(named[0].egressInterface, 3);
    assert.equal(named[0].flowDirection, 1);
    assert.equal(named[0].flowEndReason, 2);
  });

  test("IPv6 records use the IPv6 template; IPv4 and IPv6 interleave in one message", () => {
    const v6 = record({ family: 6, src: parseAddress("2001:db8::1"), dst: parseAddress("2001:db8::2") });
    const { named, sets, messages } = exportRecords([record(), v6, record({ sport: 1 })]);
    assert.equal(messages.length, 1);
    assert.deepEqual(
      sets.map((s) => s.setId),
      [256, 257, 256],
    );
    assert.equal(named[1].sourceIPv6Address, "2001:db8::1");
    assert.equal(named[1].destinationIPv6Address, "2001:db8::2");
  });

  test("a record with no estimated packets reports a sampling probability of 1", () => {
    const { named } = exportRecords([record({ packets: 0, sampledPackets: 0 })]);
    assert.equal(named[0].samplingProbability, 1);
  });

  test("many records pack into messages of at most 1200 octets", () => {
    const { messages, named } = exportRecords(Array.from({ length: 1000 }, (_, i) => record({ sport: i })));
    assert.ok(messages.every((m) => m.length <= 1200));
    assert.equal(named.length, 1000);
    assert.deepEqual(
      named.map((r) => r.sourceTransportPort),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });
});
