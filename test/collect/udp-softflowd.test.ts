// `rfm collect` listening on UDP: softflowd exports IPFIX over loopback
// while tshark captures the same datagrams. Every record rfm prints equals
// tshark's decode, with the kernel's receive time of each datagram (which
// differs from the capture's by microseconds, so only its order is held to
// the frame's); SIGTERM ends the run with exit 0 and a summary; the flows
// carry exactly the packets sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { until } from "../agent/agent-lab.js";
import { sendFromPorts } from "../ipfix-interop/interop-agent.js";
import { TsharkCapture } from "../ipfix-interop/peers.js";
import { spawnSync } from "node:child_process";
import { CLI } from "../cli/run-cli.js";
import { freePort } from "../harness/ports.js";
import { commonLines, tsharkRecords } from "./tshark-oracle.js";

const UDP_IP_BYTES = 20 + 8 + 100;

describe("rfm collect on UDP", () => {
  test("softflowd's IPFIX over loopback: every record as tshark decodes it, the packets sent, exit 0 on SIGTERM", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-collect-udp-", t);
    const metricsPort = await freePort("127.0.0.1");
    const collect = lab.spawn(HOST_NS, [process.execPath, CLI, "collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-f", "common", "--metrics-host", "127.0.0.1", "--metrics-port", String(metricsPort), "--workers", "2"]);
    await until(() => /listening on 127\.0\.0\.1:\d+/.test(collect.stderr()) || !collect.isRunning, 10_000, "rfm collect listening");
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(collect.stderr())![1]);
    const capture = await TsharkCapture.start(lab, join(dir, "ipfix.pcapng"), port);

    const ctl = join(dir, "softflowd.ctl");
    const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", "10", "-c", ctl, "-p", join(dir, "softflowd.pid"), "-t", "maxlife=300"]);
    await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 100, sport: 40000, ports: 3 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 5000, size: 1, sport: 50000 });
    await rx.stop();
    const ours = () => commonLines(collect.stdout()).map((l) => l.fields).filter((f) => f.dst_port === rx.port && Number(f.src_port) >= 40000 && Number(f.src_port) <= 40002);
    await until(async () => {
      await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
      return ours().reduce((n, f) => n + Number(f.packets), 0) >= 300;
    }, 20_000, "the 300 datagrams in rfm collect's output");

    const received = commonLines(collect.stdout()).length;
    const expectedAll = async () => (await tsharkRecords(lab, capture.file, port)).length;
    await until(async () => (await expectedAll()) >= received, 10_000, "tshark holding every record rfm printed");
    // The metrics count what was printed, per exporter and type (the workers report every second:
    // the scrape catches up within one); promtool accepts the exposition.
    const flows = new RegExp(`^rfm_collect_flows_total\\{type="ipfix",exporter="127\\.0\\.0\\.1"\\} ${received}$`, "m");
    let text = "";
    await until(async () => flows.test((text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text())), 5000, "the metrics counting every record printed");
    assert.match(text, flows);
    assert.match(text, /^rfm_collect_active_exporters\{type="ipfix"\} 1$/m);
    assert.match(text, /^rfm_collect_output_records_total \d+$/m);
    const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    collect.kill("SIGTERM");
    const done = await collect.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /rfm collect: udp 127\.0\.0\.1:\d+: kernel drops 0, queue drops 0, output drops 0, \d+ datagrams, \d+ records/);
    await capture.stop();

    const lines = commonLines(done.stdout);
    const expected = await tsharkRecords(lab, capture.file, port);
    assert.equal(lines.length, expected.length, "one record per record tshark decodes");
    let last = 0n;
    lines.forEach((l, i) => {
      const { time_received_ns: ours, ...rest } = l.shared;
      const { time_received_ns: theirs, ...oracle } = expected[i]!;
      assert.deepEqual(rest, oracle, `record ${i}`);
      assert.equal(l.fields.flow_type, "IPFIX");
      const received = BigInt(ours!);
      assert.ok(received >= last, "receive times in order");
      assert.ok(received - BigInt(theirs!) < 1_000_000_000n && BigInt(theirs!) - received < 1_000_000_000n, `record ${i} received within a second of its capture`);
      last = received;
    });
    const byPort = new Map<number, { packets: number; bytes: number }>();
    for (const f of ours()) {
      const e = byPort.get(Number(f.src_port)) ?? { packets: 0, bytes: 0 };
      e.packets += Number(f.packets);
      e.bytes += Number(f.bytes);
      byPort.set(Number(f.src_port), e);
    }
    assert.deepEqual([...byPort].sort((a, b) => a[0] - b[0]), [40000, 40001, 40002].map((p) => [p, { packets: 100, bytes: 100 * UDP_IP_BYTES }]));
  });
});
