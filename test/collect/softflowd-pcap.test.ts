// `rfm collect --pcap` on a capture of a real exporter: softflowd meters a
// lab veth and exports NetFlow v5, then IPFIX, to a socket on 127.0.0.1
// while tshark captures the datagrams. Every record rfm prints in the
// common format equals what tshark decodes from the same file, field by
// field, each record's time_received_ns is its frame's capture time, and
// the flows carry exactly the packets that were sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
import { commonLines, tsharkRecords, v9CountedCopy } from "./tshark-oracle.js";
import { Collector } from "../../src/collect/collector.js";
import { KeptRecords } from "./kept-records.js";
import type { FlowRecord } from "../../src/flow-record/index.js";

const UDP_IP_BYTES = 20 + 8 + 100;

/** Records in the datagrams received so far, through the collector's own stages. */
async function recordsOf(datagrams: Buffer[]): Promise<FlowRecord[]> {
  const kept = new KeptRecords();
  const collector = new Collector({ protocol: "netflow", output: { kind: "common", writer: kept } });
  await collector.handle(datagrams.map((bytes) => ({ bytes, exporter: "127.0.0.1", exporterPort: 1, receivedMs: 0, receivedNs: 0 })));
  return kept.records;
}

describe("rfm collect --pcap on softflowd's export", () => {
  for (const version of [5, 9, 10]) {
    test(`NetFlow v${version === 10 ? "10 (IPFIX)" : version}: every common record equals tshark's decode of the capture; received times are the frames'`, async (t) => {
      if (!requirePrivileges(t)) return;
      const lab = await createLab(t);
      const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
      const dir = tempDir("rfm-collect-", t);
      const datagrams: Buffer[] = [];
      const socket = createSocket("udp4").on("message", (m) => datagrams.push(m));
      t.after(() => socket.close());
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
      const port = socket.address().port;
      const file = join(dir, "export.pcapng");
      const capture = await TsharkCapture.start(lab, file, port);

      const ctl = join(dir, "softflowd.ctl");
      const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", String(version), "-c", ctl, "-p", join(dir, "softflowd.pid"), "-t", "maxlife=300"]);
      await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
      const rx = await startUdpReceiver(lab, { ns: HOST_NS });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 100, sport: 40000, ports: 3 });
      // softflowd's live capture hands packets over a block at a time: filler from another port pushes ours through.
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 5000, size: 1, sport: 50000 });
      await rx.stop();
      const ours = async () => (await recordsOf(datagrams)).filter((r) => r.dport === rx.port && r.sport! >= 40000 && r.sport! <= 40002);
      await until(async () => {
        await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
        return (await ours()).reduce((n, r) => n + r.packets, 0) >= 300;
      }, 20_000, "softflowd's export of the 300 datagrams");
      await capture.stop(datagrams.length);

      const r = await runCli(["collect", "-t", "netflow", "--pcap", file, "-f", "common", "-s", "ndjson"], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const lines = commonLines(r.stdout);
      assert.match(r.stderr, new RegExp(`${datagrams.length} datagrams, ${lines.length} records`));
      let oracleFile = file;
      if (version === 9) {
        oracleFile = join(dir, "counted.pcap");
        writeFileSync(oracleFile, v9CountedCopy(new Uint8Array(readFileSync(file))));
      }
      const expected = await tsharkRecords(lab, oracleFile, port);
      assert.equal(lines.length, expected.length, "one common record per record tshark decodes");
      lines.forEach((l, i) => {
        assert.deepEqual(l.shared, expected[i], `record ${i}`);
        assert.equal(l.fields.flow_type, ({ 5: "NETFLOW_V5", 9: "NETFLOW_V9", 10: "IPFIX" } as Record<number, string>)[version]);
        assert.equal(l.fields.sampler_address, "127.0.0.1");
      });
      const sent = lines.map((l) => l.fields).filter((l) => l.dst_port === rx.port && Number(l.src_port) >= 40000 && Number(l.src_port) <= 40002);
      const byPort = new Map<number, { packets: number; bytes: number }>();
      for (const l of sent) {
        const f = byPort.get(Number(l.src_port)) ?? { packets: 0, bytes: 0 };
        f.packets += Number(l.packets);
        f.bytes += Number(l.bytes);
        byPort.set(Number(l.src_port), f);
      }
      assert.deepEqual([...byPort].sort((a, b) => a[0] - b[0]), [40000, 40001, 40002].map((p) => [p, { packets: 100, bytes: 100 * UDP_IP_BYTES }]));
      for (const l of sent) assert.ok(Number(l.time_flow_start_ns) <= Number(l.time_flow_end_ns) && typeof l.time_flow_start_ns === "number");
    });
  }
});
