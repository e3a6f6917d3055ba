// NetFlow v5 from a real exporter: softflowd meters a lab veth and exports to
// a socket on 127.0.0.1 while tshark captures the same datagrams. Every
// header and record our decoder returns equals tshark's decode, field by
// field, and the flows add up to exactly what was sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket } from "node:dgram";
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
import { decodeNetflowV5, type NetflowV5Datagram } from "../../src/netflow-v5/index.js";

const HEADER_FIELDS = ["cflow.version", "cflow.count", "cflow.sysuptime", "cflow.unix_secs", "cflow.unix_nsecs", "cflow.sequence", "cflow.engine_type", "cflow.engine_id", "cflow.samplerate"];
const RECORD_FIELDS = [
  "cflow.srcaddr", "cflow.dstaddr", "cflow.nexthop", "cflow.inputint", "cflow.outputint", "cflow.packets", "cflow.octets", "cflow.timestart", "cflow.timeend",
  "cflow.srcport", "cflow.dstport", "cflow.tcpflags", "cflow.protocol", "cflow.tos", "cflow.srcas", "cflow.dstas", "cflow.srcmask", "cflow.dstmask",
];
const UDP_IP_BYTES = 20 + 8 + 100;

/** tshark prints relative times as seconds with nine decimals. */
const ms = (seconds: string) => Math.round(Number(seconds) * 1000);

/** Our decode of one datagram in tshark's terms: header fields, then each record field's values in record order. */
function asTshark(d: NetflowV5Datagram): string[][] {
  const h = d.header;
  const header = [h.version, h.count, ms((h.sysUptime / 1000).toFixed(3)), h.unixSecs, h.unixNsecs, h.flowSequence, h.engineType, h.engineId, h.samplingInterval];
  const r = d.records;
  const columns: (keyof (typeof r)[number])[] = ["srcAddr", "dstAddr", "nextHop", "input", "output", "packets", "octets", "first", "last", "srcPort", "dstPort", "tcpFlags", "protocol", "tos", "srcAs", "dstAs", "srcMask", "dstMask"];
  return [...header.map((v) => [String(v)]), ...columns.map((c) => r.map((x) => String(x[c])))];
}

/** tshark's values normalised as asTshark writes ours (times to ms, hex flags and ToS to numbers). */
function normalise(frame: string[][]): string[][] {
  return frame.map((values, i) => {
    const name = [...HEADER_FIELDS, ...RECORD_FIELDS][i]!;
    if (name === "cflow.sysuptime" || name === "cflow.timestart" || name === "cflow.timeend") return values.map((v) => String(ms(v)));
    if (name === "cflow.tcpflags" || name === "cflow.tos") return values.map((v) => String(Number(v))); // printed in hex
    return values;
  });
}

describe("NetFlow v5 from softflowd", () => {
  test("every header and record decodes as tshark decodes it; the flows carry exactly the packets and octets sent", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-v5-", t);

    const datagrams: Buffer[] = [];
    const socket = createSocket("udp4").on("message", (m) => datagrams.push(m));
    t.after(() => socket.close());
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const port = socket.address().port;
    const capture = await TsharkCapture.start(lab, join(dir, "v5.pcapng"), port);

    const ctl = join(dir, "softflowd.ctl");
    const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", "5", "-c", ctl, "-p", join(dir, "softflowd.pid"), "-t", "maxlife=300"]);
    await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
    assert.ok(softflowd.isRunning, softflowd.stderr());

    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 100, sport: 40000, ports: 3 });
    // softflowd's live capture hands packets over a block at a time (about
    // 1,700 small ones): filler traffic from another port pushes ours through.
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 5000, size: 1, sport: 50000 });
    await rx.stop();

    // Expire everything softflowd holds until our three flows have all their packets (expiring early splits a flow in two records).
    const sent = (): Map<number, { packets: number; octets: number }> => {
      const flows = new Map<number, { packets: number; octets: number }>();
      for (const d of datagrams) {
        for (const r of decodeNetflowV5(d).datagram?.records ?? []) {
          if (r.dstPort !== rx.port || r.srcPort < 40000 || r.srcPort > 40002) continue;
          const f = flows.get(r.srcPort) ?? { packets: 0, octets: 0 };
          f.packets += r.packets;
          f.octets += r.octets;
          flows.set(r.srcPort, f);
        }
      }
      return flows;
    };
    await until(async () => {
      await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
      return [...sent().values()].reduce((n, f) => n + f.packets, 0) >= 300;
    }, 20_000, "softflowd's export of the 300 datagrams");
    assert.deepEqual(
      [...sent().entries()].sort((a, b) => a[0] - b[0]),
      [40000, 40001, 40002].map((p) => [p, { packets: 100, octets: 100 * UDP_IP_BYTES }]),
    );

    await capture.stop(datagrams.length);
    const frames = await capture.fieldsPerFrame([...HEADER_FIELDS, ...RECORD_FIELDS]);
    assert.equal(frames.length, datagrams.length, "tshark saw every datagram we received");
    let records = 0;
    datagrams.forEach((bytes, i) => {
      const { datagram, errors } = decodeNetflowV5(bytes);
      assert.deepEqual(errors, [], `datagram ${i}`);
      assert.deepEqual(asTshark(datagram!), normalise(frames[i]!), `datagram ${i}`);
      records += datagram!.records.length;
      // softflowd stamps flows from the same clock as the header: no flow ends after its export.
      for (const r of datagram!.records) assert.ok(r.first <= r.last && r.last <= datagram!.header.sysUptime, `times of datagram ${i}`);
    });
    assert.ok(records >= 3);
  });
});
