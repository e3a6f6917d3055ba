// NetFlow v9 as a real exporter sends it: softflowd 1.1 metering the host end
// of a lab veth and exporting to a recorder on 127.0.0.1. A v9 header carries
// no length, so each datagram is stored after its length in 2 octets, big-
// endian (splitV9Capture reads them back). Traffic: UDP over IPv4 and IPv6
// from a few source ports and pings of both families from the lab namespace
// (so all four of softflowd's data templates are used), then filler that
// pushes them through softflowd's block-at-a-time capture, then every flow
// expired.
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../agent/agent-lab.js";
import { HOST_NS } from "../../harness/exec.js";
import { withLab } from "../../harness/lab.js";
import { ping } from "../../harness/traffic.js";
import { sendFromPorts, sleep } from "../../ipfix-interop/interop-agent.js";

/** Datagrams each after its 2-octet length. */
export function lengthPrefixed(datagrams: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(datagrams.reduce((n, d) => n + 2 + d.length, 0));
  let at = 0;
  for (const d of datagrams) {
    out[at] = d.length >>> 8;
    out[at + 1] = d.length & 0xff;
    out.set(d, at + 2);
    at += 2 + d.length;
  }
  return out;
}

/** The datagrams of a length-prefixed capture. */
export function splitV9Capture(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + 2 <= bytes.length; ) {
    const n = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + n > bytes.length) throw new Error(`capture: a datagram of ${n} octets at ${at} runs past the file`);
    out.push(bytes.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return out;
}

export function captureSoftflowdV9(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-v9-"));
  return withLab(async (lab) => {
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const datagrams: Buffer[] = [];
    const socket = createSocket("udp4").on("message", (m) => datagrams.push(m));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    try {
      const ctl = join(dir, "softflowd.ctl");
      const port = socket.address().port;
      const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", "9", "-c", ctl, "-p", join(dir, "pid"), "-t", "maxlife=300"]);
      await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 20, size: 100, sport: 40000, ports: 20 });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: 9, count: 10, size: 200, sport: 41000, ports: 5 });
      await ping(lab, { from: pair.b.ns, to: pair.a.ipv4 });
      await ping(lab, { from: pair.b.ns, to: pair.a.ipv6 });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 5000, size: 1, sport: 50000 });
      await until(async () => {
        await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
        return datagrams.length >= 2; // 25 UDP flows, the pings both ways, the filler: more than one datagram of softflowd's
      }, 20_000, "softflowd's export");
      await sleep(200);
    } finally {
      socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return lengthPrefixed(datagrams);
  });
}
