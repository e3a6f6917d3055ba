// NetFlow v5 as a real exporter sends it: softflowd 1.1 metering the host end
// of a lab veth and exporting to a recorder on 127.0.0.1. Each datagram's
// length follows from its header's count (24 + 48 x count), so the capture
// file is their concatenation. Traffic: UDP from a few source ports and pings
// from the lab namespace, then filler that pushes them through softflowd's
// block-at-a-time capture, then every flow expired.
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../agent/agent-lab.js";
import { HOST_NS } from "../../harness/exec.js";
import { withLab } from "../../harness/lab.js";
import { ping } from "../../harness/traffic.js";
import { sendFromPorts, sleep } from "../../ipfix-interop/interop-agent.js";

export function captureSoftflowdV5(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-v5-"));
  return withLab(async (lab) => {
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const datagrams: Buffer[] = [];
    const socket = createSocket("udp4").on("message", (m) => datagrams.push(m));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    try {
      const ctl = join(dir, "softflowd.ctl");
      const port = socket.address().port;
      const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", "5", "-c", ctl, "-p", join(dir, "pid"), "-t", "maxlife=300"]);
      await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 20, size: 100, sport: 40000, ports: 40 });
      await ping(lab, { from: pair.b.ns, to: pair.a.ipv4 });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 5000, size: 1, sport: 50000 });
      await until(async () => {
        await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
        return datagrams.length >= 2; // 40 UDP flows, the pings, the filler: more than the 30 records of one datagram
      }, 20_000, "softflowd's export");
      await sleep(200);
    } finally {
      socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return Buffer.concat(datagrams);
  });
}
