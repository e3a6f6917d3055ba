// `rfm collect -t sflow --pcap` on a capture of a real sFlow agent: pmacctd's
// sfprobe samples every packet on a lab veth while tshark captures its
// datagrams. Each flow sample is one common record whose sampling rate,
// input interface and bytes (the frame length) equal tshark's decode, and
// the records hold exactly the UDP datagrams sent, with the lab's
// addresses, ports, MACs and TTL.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { until } from "../agent/agent-lab.js";
import { sendFromPorts } from "../ipfix-interop/interop-agent.js";
import { TsharkCapture } from "../ipfix-interop/peers.js";
import { runCli } from "../cli/run-cli.js";
import { Recorder, sampledUdp, startSfprobe, stopSfprobe } from "../sflow/sfprobe.js";
import { commonLines } from "./tshark-oracle.js";

describe("rfm collect -t sflow on pmacct's sfprobe", () => {
  test("every flow sample a common record as tshark decodes it; the UDP datagrams sent, each once", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-collect-sflow-", t);
    const recorder = await Recorder.start();
    t.after(() => recorder.close());
    const file = join(dir, "sflow.pcapng");
    const capture = await TsharkCapture.start(lab, file, recorder.port);
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const pmacctd = await startSfprobe(lab, pair, recorder, dir, rx.port);
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 20, size: 100, sport: 40000, ports: 3 });
    const ours = () => recorder.samples().filter((s) => (sampledUdp(s)?.srcPort ?? 0) >= 40000 && (sampledUdp(s)?.srcPort ?? 0) <= 40002).length;
    // sfprobe sends what it sampled when a later packet wakes its plugin: filler from another port pushes ours out.
    await until(async () => {
      if (ours() >= 60) return true;
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 1, sport: 50000 });
      return ours() >= 60;
    }, 20_000, "pmacctd's samples of the 60 datagrams");
    await stopSfprobe(pmacctd);
    await rx.stop();
    await capture.stop(recorder.datagrams.length);

    const r = await runCli(["collect", "-t", "sflow", "--pcap", file, "-f", "common"], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = commonLines(r.stdout).map((l) => l.fields);
    const oracle = await lab.execOk(HOST_NS, [
      "tshark", "-r", file, "-d", `udp.port==${recorder.port},sflow`, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;",
      "-e", "sflow.flow_sample.sampling_rate", "-e", "sflow.flow_sample.input_interface", "-e", "sflow_245.header.frame_length", "-e", "sflow_245.agent",
    ]);
    const expected: string[] = [];
    for (const line of oracle.stdout.split("\n").filter((l) => l !== "")) {
      const [rates, inputs, lengths, agent] = line.split("\t").map((v) => (v === "" ? [] : v.split(";")));
      rates!.forEach((rate, i) => expected.push(`${rate} ${inputs![i]} ${lengths![i]} ${agent![0]}`));
    }
    assert.equal(lines.length, expected.length, "one record per flow sample");
    assert.deepEqual(lines.map((l) => `${l.sampling_rate} ${l.in_if} ${l.bytes} ${l.sampler_address}`), expected);
    for (const l of lines) assert.equal(l.flow_type, "SFLOW_V5");

    const sent = lines.filter((l) => l.proto === 17 && Number(l.src_port) >= 40000 && Number(l.src_port) <= 40002);
    assert.equal(sent.length, 60);
    for (const l of sent) {
      assert.deepEqual([l.src_addr, l.dst_addr, l.dst_port, l.packets, l.etype, l.ip_ttl], [pair.b.ipv4, pair.a.ipv4, rx.port, 1, 2048, 64]);
      assert.match(String(l.src_mac), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      assert.equal(l.bytes, 14 + 20 + 8 + 100 + 4, "the frame's length, with the 4 FCS octets sFlow counts (stripped from the header)");
    }
    assert.deepEqual([40000, 40001, 40002].map((p) => sent.filter((l) => l.src_port === p).length), [20, 20, 20]);
  });
});
