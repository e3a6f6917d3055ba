// The first scrape after traffic, with the real agent and datapath on a lab
// veth: a new label tuple's flow gauges read what was sent, exactly (rate 1);
// its counters start at 0 (README: so rate() sees their first increase).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "../agent/agent-lab.js";
import { sample, scrapeMetrics } from "./exposition-reader.js";

const UDP4_WIRE = 14 + 20 + 8;
const DATAGRAMS = 1000;
const PAYLOAD = 58;

describe("the first scrape after traffic", () => {
  test("a new tuple's flow gauges show the packets and bytes sent; its counters show 0", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const { agent, port } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "0.0.0.0" });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: DATAGRAMS, size: PAYLOAD });
    assert.equal((await rx.stop()).datagrams, DATAGRAMS);

    const text = await scrapeMetrics("::1", port);
    const tuple = `ifname="${pair.a.name}",direction="ingress",proto="17",src_asn="",dst_asn="",src_city="",dst_city=""`;
    const wireBytes = DATAGRAMS * (UDP4_WIRE + PAYLOAD);
    assert.deepEqual(
      {
        packets: sample(text, "rfm_flow_packets", tuple),
        bytes: sample(text, "rfm_flow_bytes", tuple),
        sampledPackets: sample(text, "rfm_flow_sampled_packets", tuple),
        sampledBytes: sample(text, "rfm_flow_sampled_bytes", tuple),
      },
      { packets: DATAGRAMS, bytes: wireBytes, sampledPackets: DATAGRAMS, sampledBytes: wireBytes },
    );
    assert.deepEqual(
      ["rfm_flow_packets_total", "rfm_flow_bytes_total", "rfm_flow_sampled_packets_total", "rfm_flow_sampled_bytes_total"].map((name) =>
        sample(text, name, tuple),
      ),
      [0, 0, 0, 0],
    );

    const again = await scrapeMetrics("::1", port);
    assert.deepEqual([sample(again, "rfm_flow_packets_total", tuple), sample(again, "rfm_flow_bytes_total", tuple)], [DATAGRAMS, wireBytes]);
  });
});
