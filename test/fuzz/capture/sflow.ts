// sFlow v5 as a real agent sends it: pmacct 1.7.7's pmacctd with the
// sfprobe plugin sampling every packet on the host end of a lab veth and
// exporting to a recorder on 127.0.0.1. sFlow datagrams do not say their own
// length, so the capture file stores each one after its length as a 32-bit
// big-endian number. Traffic: UDP over IPv4 and IPv6 from a few source ports,
// pings of both families, one TCP connection; then one datagram a second
// until pmacctd's first counters sample.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../agent/agent-lab.js";
import { withLab } from "../../harness/lab.js";
import { ping } from "../../harness/traffic.js";
import { udpSocketCounters } from "../../harness/udp-sockets.js";
import { sendFromPorts, sleep } from "../../ipfix-interop/interop-agent.js";
import { Recorder, startSfprobe, stopSfprobe } from "../../sflow/sfprobe.js";

/** Datagrams back to back, each after its length (32-bit big-endian). */
export function lengthPrefixed(datagrams: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(datagrams.reduce((n, d) => n + 4 + d.length, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const d of datagrams) {
    v.setUint32(at, d.length);
    out.set(d, at + 4);
    at += 4 + d.length;
  }
  return out;
}

export function capturePmacctSflow(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-sflow-"));
  const server = createServer((c) => c.resume().on("end", () => c.end()));
  return withLab(async (lab) => {
    const pair = await lab.veth({ ns: null }, { ns: await lab.netns() });
    const recorder = await Recorder.start();
    try {
      const pmacctd = await startSfprobe(lab, pair, recorder, dir, 9);
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 5, size: 100, sport: 40000, ports: 4 });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: 9, count: 5, size: 1000, sport: 41000, ports: 2 });
      await ping(lab, { from: pair.b.ns, to: pair.a.ipv4, count: 2 });
      await ping(lab, { from: pair.b.ns, to: pair.a.ipv6, count: 2 });
      await new Promise<void>((resolve) => server.listen(0, pair.a.ipv4, resolve));
      const port = (server.address() as { port: number }).port;
      await lab.execOk(pair.b.ns, ["python3", "-c", `import socket\ns = socket.create_connection(("${pair.a.ipv4}", ${port}))\ns.sendall(b"hello")\ns.shutdown(socket.SHUT_WR)\ns.recv(10)\ns.close()`]);
      // pmacctd sends its interface counters every 20 s or so, but only when a
      // packet wakes its plugin up: one a second until the counters come.
      await until(async () => {
        if (recorder.samples().some((s) => s.kind === "counters_sample")) return true;
        await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 1, size: 1, sport: 42000 });
        await sleep(1000);
        return false;
      }, 60_000, "pmacctd's counters sample");
      await stopSfprobe(pmacctd);
      await until(() => udpSocketCounters(recorder.port)?.rxQueue === 0, 5000, "the recorder to read its socket empty");
    } finally {
      server.close();
      recorder.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return lengthPrefixed(recorder.datagrams);
  });
}
