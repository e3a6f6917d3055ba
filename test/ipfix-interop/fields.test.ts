// agent.ipfix.fields: a custom record layout (no interfaces, no
// samplingProbability; ipVersion and second-precision times) as tshark and
// nfdump decode it.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, TsharkCapture, freeUdpPort, nfAddresses } from "./peers.js";
import { sendFromPorts, startInteropAgent, udpIpBytes, waitExported } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

const FIELDS = [
  "sourceIPv4Address", "destinationIPv4Address", "sourceIPv6Address", "destinationIPv6Address",
  "sourceTransportPort", "destinationTransportPort", "protocolIdentifier", "ipVersion",
  "flowStartSeconds", "flowEndSeconds", "packetDeltaCount", "octetDeltaCount",
];
// IANA element IDs and the lengths the agent encodes them with, address elements per family.
const COMMON = [[7, 2], [11, 2], [4, 1], [60, 1], [150, 4], [151, 4], [2, 8], [1, 8]];
const V4_TEMPLATE = [[8, 4], [12, 4], ...COMMON];
const V6_TEMPLATE = [[27, 16], [28, 16], ...COMMON];

describe("custom agent.ipfix.fields", () => {
  test("a layout with ipVersion and flowStart/EndSeconds, without samplingProbability, decodes in tshark and nfdump", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-interop-", t);
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), port);
    const capture = await TsharkCapture.start(lab, join(dir, "export.pcapng"), port);
    const started = Math.floor(Date.now() / 1000);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, fields: FIELDS } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 25, size: 100, sport: 40001 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 4, size: 100, sport: 40002 });
    await rx.stop();
    await capture.stop(await waitExported(a, 2, (r) => r.dport === rx.port));
    const out = await nfcapd.stop();

    assert.deepEqual(await capture.problems(), []);
    const messages = await capture.messages();
    const templates = messages.flatMap((m) => m.templates);
    assert.deepEqual(templates.map((x) => [x.id, x.fields.map((f) => [f.type, f.length])]), [[256, V4_TEMPLATE], [257, V6_TEMPLATE]]);

    const records = messages.flatMap((m) => m.records.filter((r) => r.setId === 256 || r.setId === 257)).map((r) => r.fields);
    assert.deepEqual(
      records.map((f) => [f["cflow.srcaddr"] ?? f["cflow.srcaddrv6"], f["cflow.srcport"], f["cflow.protocol"], f["cflow.ip_version"], f["cflow.packets"], f["cflow.octets"]]),
      [[pair.b.ipv4, "40001", "17", "4", "25", String(25 * udpIpBytes(4, 100))], [pair.b.ipv6, "40002", "17", "6", "4", String(4 * udpIpBytes(6, 100))]],
    );
    for (const f of records) {
      assert.equal(f["cflow.sampling_probability"], undefined, "no samplingProbability in this layout");
      assert.equal(f["cflow.inputint"], undefined);
      const start = Date.parse(String(f["cflow.abstimestart"])) / 1000;
      const end = Date.parse(String(f["cflow.abstimeend"])) / 1000;
      assert.ok(Number.isInteger(start) && Number.isInteger(end), `whole seconds: ${f["cflow.abstimestart"]}`);
      assert.ok(started <= start && start <= end && end <= Date.now() / 1000, `${f["cflow.abstimestart"]} .. ${f["cflow.abstimeend"]}`);
    }

    // nfdump 1.7.1 decodes the tuple and the counters; it has no mapping for
    // flowStart/EndSeconds (150/151) or ipVersion, so it shows no times for this layout.
    assert.deepEqual(
      out.flows.map((f) => [nfAddresses(f).src, nfAddresses(f).dst, f.src_port, f.dst_port, f.proto, f.in_packets, f.in_bytes]).sort(),
      [
        [pair.b.ipv4, pair.a.ipv4, 40001, rx.port, 17, 25, 25 * udpIpBytes(4, 100)],
        [pair.b.ipv6, pair.a.ipv6, 40002, rx.port, 17, 4, 4 * udpIpBytes(6, 100)],
      ].sort(),
    );
  });
});
