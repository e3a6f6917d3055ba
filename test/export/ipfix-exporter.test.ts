// The IPFIX exporter against a UDP collector on loopback, decoded with our
// codec: templates before data, exact fields, sequence numbers, late
// collectors, queue overflow, self-export exclusion.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { IpfixExporter } from "../../src/export/ipfix-exporter.js";
import { DEFAULT_FIELDS } from "../../src/export/ipfix-fields.js";
import { TemplateCache, decodeMessage, type DecodedMessage } from "../../src/ipfix/index.js";
import { ErrorCounters } from "../../src/metrics/errors.js";
import { EndReason, type AgentFlowRecord } from "../../src/flow-record/index.js";
import { parseAddress } from "../../src/net/address.js";
import { TextWriter } from "../../src/metrics/exposition.js";
import { until } from "../agent/agent-lab.js";

class Collector {
  readonly messages: DecodedMessage[] = [];
  readonly raw: Buffer[] = [];
  private readonly cache = new TemplateCache();
  constructor(readonly socket: Socket) {
    socket.on("message", (m, rinfo) => {
      this.raw.push(m);
      this.messages.push(decodeMessage(m, { session: `udp:${rinfo.address}:${rinfo.port}`, cache: this.cache }));
    });
  }
  static async start(port = 0): Promise<Collector> {
    const s = createSocket("udp4");
    await new Promise<void>((r) => s.bind(port, "127.0.0.1", r));
    return new Collector(s);
  }
  get port(): number {
    return this.socket.address().port;
  }
  dataRecords(templateId: number) {
    return this.messages.flatMap((m) => m.sets.filter((s) => s.kind === "data" && s.template.id === templateId).flatMap((s) => (s.kind === "data" ? s.records : [])));
  }
  close(): void {
    this.socket.close();
  }
}

function rec(over: Partial<AgentFlowRecord> = {}): AgentFlowRecord {
  return {
    ifindex: 3, netns: 0, direction: 0, proto: 17, family: 4, src: parseAddress("10.1.1.1"), dst: parseAddress("10.2.2.2"), sport: 1234, dport: 53,
    packets: 30, bytes: 30 * 142, ipBytes: 30 * 128, sampledPackets: 3, sampledBytes: 3 * 142, sampledIpBytes: 3 * 128,
    startMs: 1_700_000_000_123, endMs: 1_700_000_005_456, reason: EndReason.Idle, ...over,
  };
}

function exporter(port: number, over: Partial<ConstructorParameters<typeof IpfixExporter>[0]> = {}) {
  const errors = new ErrorCounters();
  const e = new IpfixExporter({
    targets: [{ host: "127.0.0.1", port, bind: null, observation_domain_id: 7 }],
    fields: DEFAULT_FIELDS, templateRefreshMs: 60_000, flushIntervalMs: 50, maxMessageSize: 1200, queueSize: 100, sampleRate: 10, errors, ...over,
  });
  return { e, errors };
}


describe("IPFIX exporter", () => {
  test("templates and the sampling options come first, then records with exact fields", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port);
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].connected);
    e.sink([rec(), rec({ family: 6, src: parseAddress("2001:db8::1"), dst: parseAddress("2001:db8::2"), direction: 1, reason: EndReason.Forced })]);
    await until(() => c.dataRecords(256).length === 1 && c.dataRecords(257).length === 1);
    const first = c.messages[0];
    assert.equal(first.header?.observationDomainId, 7);
    assert.ok(first.sets.some((s) => s.kind === "templates"), "templates in the first message");
    assert.equal(c.messages.flatMap((m) => m.errors).length, 0, JSON.stringify(c.messages.flatMap((m) => m.errors)));
    const sampling = c.dataRecords(258);
    assert.deepEqual(sampling[0].slice(0, 5).map((x) => Number(x)), [7, 1, 3, 1, 9], "1 in 10: interval 1, space 9");

    const v4 = c.dataRecords(256)[0];
    assert.deepEqual(v4.map((x) => (typeof x === "bigint" ? Number(x) : x)), [
      "10.1.1.1", "10.2.2.2", 1234, 53, 17, 3, 0, 0, 1_700_000_000_123, 1_700_000_005_456, 3, 3 * 128, 1, 0.1,
    ]);
    const v6 = c.dataRecords(257)[0];
    assert.deepEqual([v6[0], v6[1], v6[5], v6[6], v6[7], v6[12]], ["2001:db8::1", "2001:db8::2", 0, 3, 1, 4]);
    // Each header's sequence number counts the data records (options data included) sent before it.
    let sent = 0;
    for (const m of c.messages) {
      assert.equal(m.header?.sequenceNumber, sent);
      sent += m.sets.reduce((n, s) => n + (s.kind === "data" ? s.records.length : 0), 0);
    }
    const w = new TextWriter();
    e.metrics(w);
    assert.match(w.text(), /rfm_ipfix_records_total\{collector="127\.0\.0\.1:\d+"\} 2/);
  });

  test("a collector that starts late gets templates before its first data", async (t) => {
    const probe = await Collector.start();
    const port = probe.port;
    probe.close(); // nobody listens on `port` now
    const { e, errors } = exporter(port);
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].connected);
    e.sink([rec()]);
    e.flush();
    await until(() => errors.get("ipfix") > 0); // ECONNREFUSED for the refused datagrams
    const c = await Collector.start(port);
    t.after(() => c.close());
    e.sink([rec({ sport: 2 })]);
    await until(() => c.dataRecords(256).length === 1);
    assert.ok(c.messages[0].sets.some((s) => s.kind === "templates"), "the first message the collector sees carries the templates");
    assert.equal(c.messages.flatMap((m) => m.errors).length, 0);
    assert.ok((e.links[0].stats.sendErrors.get("ECONNREFUSED") ?? 0) > 0);
  });

  test("records sent while nobody listens are each counted once: refused (sent, then refused by ICMP) or send (the send failed)", async (t) => {
    const probe = await Collector.start();
    const port = probe.port;
    probe.close();
    const { e } = exporter(port, { queueSize: 1000, flushIntervalMs: 60_000 });
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].connected);
    const link = e.links[0];
    e.sink(Array.from({ length: 300 }, (_, i) => rec({ sport: i + 1 })));
    e.flush();
    // A refusal reports one datagram sent before it: once every datagram that left has been answered, the counts are final.
    await until(() => link.stats.records + link.stats.dropped.send === 300 && link.stats.sendErrors.get("ECONNREFUSED") === link.stats.messages);
    assert.ok(link.stats.dropped.send > 0 && link.stats.dropped.refused > 0, JSON.stringify(link.stats.dropped));
    assert.equal(link.stats.dropped.refused, link.stats.records, "every record that left was refused: none counts as delivered");
    assert.equal(link.stats.dropped.refused + link.stats.dropped.send, 300);
  });

  test("the final flush at shutdown is sent whole, whatever queue_size, and close waits for every datagram", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port, { queueSize: 10, flushIntervalMs: 60_000 });
    e.start();
    await until(() => e.links[0].connected);
    e.beginClose();
    e.sink(Array.from({ length: 1000 }, (_, i) => rec({ sport: i + 1 })));
    await e.close();
    assert.equal(e.queueDroppedCount, 0);
    assert.equal(e.links[0].stats.records, 1000, "sent before close resolved");
    await until(() => c.dataRecords(256).length === 1000);
    assert.equal(new Set(c.dataRecords(256).map((r) => r[2])).size, 1000);
  });

  test("observationPointId tells equal ifindexes of different namespaces apart", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port, { fields: ["sourceIPv4Address", "ingressInterface", "observationPointId"] });
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].connected);
    e.sink([rec({ ifindex: 2 }), rec({ ifindex: 2, netns: 3, sport: 2 })]);
    await until(() => c.dataRecords(256).length === 2);
    assert.deepEqual(c.dataRecords(256).map((r) => [r[1], r[2]]), [[2, 2n], [2, 3n * 2n ** 32n + 2n]]);
  });

  test("a full queue drops the newest records and counts them", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port, { queueSize: 3, flushIntervalMs: 60_000 });
    t.after(() => e.close());
    e.start();
    e.sink([1, 2, 3, 4, 5].map((sport) => rec({ sport })));
    const w = new TextWriter();
    e.metrics(w);
    assert.match(w.text(), /rfm_ipfix_dropped_records_total\{collector="[^"]+",reason="queue_full"\} 2/);
  });

  test("exactly the exporter's own UDP 5-tuple is left out", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port);
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].connected);
    const local = e.links[0].local!;
    const own = rec({ src: parseAddress(local.address), sport: local.port, dst: parseAddress("127.0.0.1"), dport: c.port });
    const other = rec({ src: parseAddress(local.address), sport: local.port + 1, dst: parseAddress("127.0.0.1"), dport: c.port });
    e.sink([own, other]);
    await until(() => c.dataRecords(256).length === 1);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.dataRecords(256).length, 1);
    assert.equal(c.dataRecords(256)[0][2], local.port + 1);
  });

  test("a bind address that does not exist yet is retried with backoff and counted", async (t) => {
    const c = await Collector.start();
    t.after(() => c.close());
    const { e } = exporter(c.port, { targets: [{ host: "127.0.0.1", port: c.port, bind: { host: "192.0.2.77", port: 0 }, observation_domain_id: 1 }] });
    t.after(() => e.close());
    e.start();
    await until(() => e.links[0].stats.dialErrors > 0);
    assert.equal(e.links[0].connected, false);
    e.sink([rec()]);
    e.flush();
    const w = new TextWriter();
    e.metrics(w);
    assert.match(w.text(), /reason="unconnected"\} 1/);
  });
});
