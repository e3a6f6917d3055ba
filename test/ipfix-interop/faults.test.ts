// The export under faults, seen by real collectors: a collector that starts
// late or restarts, a queue too small for a burst of evictions, and a bind
// address that only appears after the agent started.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, TsharkCapture, freeUdpPort, nfAddresses, type NfdumpFlow } from "./peers.js";
import { messagesSent, sample, scrape, sendFromPorts, sleep, startInteropAgent, udpIpBytes, until, waitExported } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

const flow = (f: NfdumpFlow) => ({ ...nfAddresses(f), sport: f.src_port, dport: f.dst_port, packets: f.in_packets, bytes: f.in_bytes });

describe("IPFIX export under faults", () => {
  test("a collector started late gets the templates within one flush and decodes the flows exported after it started", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-interop-", t);
    const port = await freeUdpPort(); // nobody listens yet
    const capture = await TsharkCapture.start(lab, join(dir, "export.pcapng"), port);
    // The periodic refresh is far away: only the resend after a refusal can give nfcapd the templates.
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, template_refresh: "60s" } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 10, size: 10, sport: 40001 });
    await waitExported(a, 1, (r) => r.sport === 40001);
    await until(() => (a.agent.ipfix?.links[0].stats.sendErrors.get("ECONNREFUSED") ?? 0) > 0, 5000, "a refused datagram");
    assert.equal(sample(await scrape(a), "rfm_ipfix_connected", `collector="127.0.0.1:${port}"`), 1, "a UDP socket stays connected while refused");

    const starting = Date.now() / 1000;
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), port);
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 30, size: 100, sport: 40002 });
    await rx.stop();
    await waitExported(a, 1, (r) => r.sport === 40002);
    const out = await nfcapd.stop();
    await capture.stop(messagesSent(a));

    assert.deepEqual(out.flows.map(flow), [{ src: pair.b.ipv4, dst: pair.a.ipv4, sport: 40002, dport: rx.port, packets: 30, bytes: 30 * udpIpBytes(4, 100) }],
      "the flow exported after the start decodes; the one exported into the void is gone (UDP export keeps nothing back)");
    const messages = await capture.messages();
    // While refused, every flush (100ms) resends the templates: a collector that starts gets them within one flush.
    const refusedTemplates = messages.filter((m) => m.time < starting && m.setIds.includes(2)).map((m) => m.time);
    const gaps = refusedTemplates.slice(1).map((x, i) => x - refusedTemplates[i]);
    assert.ok(gaps.length >= 3 && gaps.every((g) => g < 0.25), `templates while refused, every ${gaps.map((g) => g.toFixed(3)).join(", ")} s`);
    // And the first data after the start comes right after templates (or with them).
    const i = messages.findIndex((m) => m.time >= starting && m.setIds.includes(256));
    assert.ok(i > 0, "data after the collector started");
    assert.ok(messages[i].setIds.includes(2) || messages[i - 1].setIds.includes(2), `frames ${messages[i - 1].setIds} then ${messages[i].setIds}`);
  });

  test("a restarted collector decodes again within one template_refresh", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-interop-", t);
    const port = await freeUdpPort();
    const first = await Nfcapd.start(lab, join(dir, "nfcapd-1"), port);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, template_refresh: "1s" } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 5, size: 10, sport: 40001 });
    await waitExported(a, 1, (r) => r.sport === 40001);
    assert.deepEqual((await first.stop()).flows.map((f) => f.src_port), [40001]);

    // A new nfcapd on the same port knows no templates.
    const second = await Nfcapd.start(lab, join(dir, "nfcapd-2"), port);
    await sleep(1000 + 200);
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 40, size: 60, sport: 40002 });
    await rx.stop();
    await waitExported(a, 1, (r) => r.sport === 40002);
    const out = await second.stop();
    assert.deepEqual(out.flows.map(flow), [{ src: pair.b.ipv4, dst: pair.a.ipv4, sport: 40002, dport: rx.port, packets: 40, bytes: 40 * udpIpBytes(4, 60) }]);
  });

  test("a burst of 200 evictions into a queue of 1 drops records, counted as queue_full; the collector gets the rest", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(tempDir("rfm-interop-", t), "nfcapd"), port);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, queue_size: 1 } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 10, sport: 42000, ports: 200 });
    assert.equal((await rx.stop()).datagrams, 200);
    await until(() => a.records.length >= 200, 8000, "200 evicted flows");
    await sleep(500); // a few flushes

    const metrics = await scrape(a);
    const collector = `collector="127.0.0.1:${port}"`;
    const dropped = sample(metrics, "rfm_ipfix_dropped_records_total", `${collector},reason="queue_full"`) ?? 0;
    const sent = sample(metrics, "rfm_ipfix_records_total", collector);
    assert.ok(dropped > 0, `queue_full drops: ${dropped}`);
    assert.equal(sent, 200 - dropped, "every record was either sent or counted as dropped");
    const out = await nfcapd.stop();
    assert.equal(out.flows.length, 200 - dropped, "nfcapd got exactly the records that were not dropped");
    assert.ok(out.flows.every((f) => f.in_packets === 1 && (f.src_port ?? 0) >= 42000 && (f.src_port ?? 0) < 42200));
  });

  test("a bind address that does not exist yet: dial errors counted, then connected once the address appears, records come from it", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const source = `10.77.${pair.subnet}.100`; // in the lab's subnet, on no interface yet
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(tempDir("rfm-interop-", t), "nfcapd"), port);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, bind: { host: source } } });
    const collector = `collector="127.0.0.1:${port}"`;

    await until(async () => (sample(await scrape(a), "rfm_ipfix_dial_errors_total", collector) ?? 0) > 0, 5000, "a dial error");
    const before = await scrape(a);
    assert.equal(sample(before, "rfm_ipfix_connected", collector), 0);
    assert.equal(sample(before, "rfm_ipfix_send_errors_total", `${collector},errno="EADDRNOTAVAIL"`), undefined, "a failed bind is a dial error, not a send error");
    assert.equal(sample(before, "rfm_errors_total", 'subsystem="ipfix"'), sample(before, "rfm_ipfix_dial_errors_total", collector), "each failed dial counts once");
    await lab.execOk(HOST_NS, ["ip", "addr", "add", `${source}/32`, "dev", pair.a.name]);
    // The redial backoff runs from 1 s up to 30 s; the second or third attempt finds the address.
    await until(async () => sample(await scrape(a), "rfm_ipfix_connected", collector) === 1, 10_000, "connected from the new address");
    assert.equal(a.agent.ipfix?.links[0].local?.address, source);

    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 12, size: 30, sport: 40001 });
    await rx.stop();
    await waitExported(a, 1, (r) => r.sport === 40001);
    const out = await nfcapd.stop();
    assert.deepEqual(out.exporters, [{ domain: 1, from: source }], "nfcapd sees the exporter at the bound address");
    assert.deepEqual(out.flows.map((f) => [f.src_port, f.in_packets, f.in_bytes, f.ip4_router]), [[40001, 12, 12 * udpIpBytes(4, 30), source]]);
  });
});
