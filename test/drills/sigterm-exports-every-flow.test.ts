// Drill: `rfm agent` holding 65,536 live flows gets SIGTERM. Every flow
// reaches a real collector (nfcapd) as a record with flowEndReason 4 (forced
// end) before the process exits 0: the agent sends its final flush whole,
// paced, and waits for the sends. The flows come through the real datapath:
// one UDP datagram from each of 32,768 source ports, over IPv4 and over IPv6,
// sampled at 1.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, freeUdpPort } from "../ipfix-interop/peers.js";
import { sample, sendFromPorts, until } from "../ipfix-interop/interop-agent.js";
import { agentConfig, startAgentProcess } from "./agent-process.js";

const PORTS = 32_768;
const FLOWS = 2 * PORTS;
/** nfcapd's socket buffer: the final flush is ~3,500 datagrams; 4 MiB (net.core.rmem_max here, doubled by the kernel) holds them all. */
const COLLECTOR_BUFFER = 4 << 20;

describe("drill: SIGTERM with 65,536 live flows", () => {
  test("rfm agent exits 0 after nfcapd got every flow, each with flowEndReason 4 (forced end)", { timeout: 90_000 }, async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-drill-", t);
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), port, ["-B", String(COLLECTOR_BUFFER)]);
    // A ring for every event at once, a table of exactly 65,536 flows, and no eviction before the signal.
    const config = await agentConfig(dir, "rfm", [
      "[agent]", `interfaces = ["${pair.a.name}"]`,
      "[agent.bpf]", "sample_rate = 1", `ring_buf_size = ${8 << 20}`,
      "[agent.collector]", `max_flows = ${FLOWS}`, 'eviction_timeout = "10m"', 'active_timeout = "0"',
      "[agent.ipfix]", 'host = "127.0.0.1"', `port = ${port}`,
    ].join("\n"));
    const agent = await startAgentProcess(t, config);
    const rx = await startUdpReceiver(lab, { ns: HOST_NS }); // bound to ::, so no ICMP port unreachable goes back

    for (const to of [pair.a.ipv4, pair.a.ipv6]) {
      assert.equal(await sendFromPorts(lab, { from: pair.b.ns, to, port: rx.port, count: 1, size: 1, sport: 65_536 - PORTS, ports: PORTS }), PORTS);
    }
    let metrics = "";
    await until(async () => sample((metrics = await agent.scrape()), "rfm_collector_active_flows", "") === FLOWS, 20_000, `${FLOWS} live flows`);
    assert.equal(sample(metrics, "rfm_collector_dropped_events_total", ""), 0);
    assert.equal(sample(metrics, "rfm_collector_forced_evictions_total", ""), 0);

    const exit = await agent.stop("SIGTERM");
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stderr, /agent stopping signal=SIGTERM/);
    const out = await nfcapd.stop({ flows: false });
    assert.equal(out.socketDrops, 0, "nothing overran nfcapd's socket");
    const ends = await nfcapd.endReasons();
    assert.equal(ends.length, FLOWS);
    assert.deepEqual([...new Set(ends.map((e) => e.endReason))], [4], "every record says forced end");
    assert.equal(new Set(ends.map((e) => `${e.src} ${e.sport}`)).size, FLOWS, "every flow once");
    assert.deepEqual([ends.filter((e) => e.src === pair.b.ipv4).length, ends.filter((e) => e.src === pair.b.ipv6).length], [PORTS, PORTS]);
    await rx.stop();
  });
});
