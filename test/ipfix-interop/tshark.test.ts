// The agent's IPFIX export on the wire, decoded by Wireshark's cflow
// dissector: a capture on lo, started before the agent so it holds the first
// templates, must hold no malformed message and no expert warning, the flows
// with their exact fields, and templates at every template_refresh.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, TsharkCapture, freeUdpPort } from "./peers.js";
import { messagesSent, sendFromPorts, sleep, startInteropAgent, udpIpBytes, waitExported } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

const TEMPLATE_SET = 2;
const OPTIONS_TEMPLATE_SET = 3;

describe("IPFIX export decoded by tshark", () => {
  test("no malformed message or expert warning; exact records; templates and sampling options every template_refresh (1s)", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-interop-", t);
    const port = await freeUdpPort();
    // A listener, so that no datagram is refused (a refusal makes the agent resend templates early).
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), port);
    const capture = await TsharkCapture.start(lab, join(dir, "export.pcapng"), port);
    const started = Date.now();
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, template_refresh: "1s", observation_domain_id: 5 } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 300, size: 100, sport: 40001 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 7, size: 20, sport: 40002 });
    await rx.stop();
    await waitExported(a, 2, (r) => r.dport === rx.port);
    await sleep(Math.max(0, started + 4300 - Date.now())); // about 4 s of export
    await capture.stop(messagesSent(a));
    const out = await nfcapd.stop();

    assert.deepEqual(await capture.problems(), [], "tshark flags nothing");
    const messages = await capture.messages();
    assert.ok(messages.length > 0);
    assert.ok(messages.every((m) => m.domain === 5), "observation domain 5 in every header");
    assert.deepEqual(messages[0].setIds.slice(0, 2), [TEMPLATE_SET, OPTIONS_TEMPLATE_SET], "the capture opens with the templates");

    // Templates: on connect, then every template_refresh, never more often.
    const withTemplates = messages.filter((m) => m.setIds.includes(TEMPLATE_SET));
    assert.ok(withTemplates.length >= 3, `templates seen ${withTemplates.length} times in ~4 s`);
    const gaps = withTemplates.slice(1).map((m, i) => m.time - withTemplates[i].time);
    assert.ok(gaps.every((g) => g > 0.75 && g < 1.35), `template spacing ${gaps.map((g) => g.toFixed(3)).join(", ")} s`);
    for (const m of withTemplates) {
      assert.ok(m.setIds.includes(OPTIONS_TEMPLATE_SET), "the options template goes with them");
      const sampling = m.records.filter((r) => r.setId === 258).map((r) => r.fields);
      assert.deepEqual(
        sampling.map((f) => [f["cflow.od_id"], f["cflow.selector_id"], f["cflow.selector_algorithm"], f["cflow.sampling_packet_interval"], f["cflow.sampling_packet_space"]]),
        [["5", "1", "3", "1", "0"]],
        "sampling options: random n-out-of-N, 1 of every 1 (space 0)",
      );
    }

    const flows = messages.flatMap((m) => m.records.filter((r) => r.setId === 256 || r.setId === 257));
    const pick = (f: Record<string, unknown>) => ({
      src: f["cflow.srcaddr"] ?? f["cflow.srcaddrv6"], dst: f["cflow.dstaddr"] ?? f["cflow.dstaddrv6"], sport: f["cflow.srcport"], dport: f["cflow.dstport"],
      proto: f["cflow.protocol"], packets: f["cflow.packets"], octets: f["cflow.octets"], in: f["cflow.inputint"], out: f["cflow.outputint"],
      direction: f["cflow.direction"], reason: f["cflow.flow_end_reason"], probability: f["cflow.sampling_probability"],
    });
    const s = (n: number) => String(n);
    assert.deepEqual(flows.map((r) => ({ set: r.setId, ...pick(r.fields) })), [
      { set: 256, src: pair.b.ipv4, dst: pair.a.ipv4, sport: "40001", dport: s(rx.port), proto: "17", packets: "300", octets: s(300 * udpIpBytes(4, 100)), in: s(pair.a.ifindex), out: "0", direction: "0", reason: "1", probability: "1" },
      { set: 257, src: pair.b.ipv6, dst: pair.a.ipv6, sport: "40002", dport: s(rx.port), proto: "17", packets: "7", octets: s(7 * udpIpBytes(6, 20)), in: s(pair.a.ifindex), out: "0", direction: "0", reason: "1", probability: "1" },
    ]);
    for (const r of flows) {
      const start = Date.parse(String(r.fields["cflow.abstimestart"]));
      const end = Date.parse(String(r.fields["cflow.abstimeend"]));
      assert.ok(started <= start && start <= end && end <= Date.now(), `flow times ${r.fields["cflow.abstimestart"]} .. ${r.fields["cflow.abstimeend"]}`);
    }
    // Each header counts the data records (sampling options included) sent before it: tshark warns otherwise.
    let sequence = 0;
    for (const m of messages) {
      assert.equal(m.sequence, sequence, `sequence number of frame ${m.frame}`);
      sequence += m.records.length;
    }
    assert.equal(out.summary?.badPackets, 0, out.stderr);
  });
});
