// A capture file as tshark writes it: one pcapng with two interfaces (lo,
// Ethernet framing, and "any", Linux cooked), UDP datagrams of growing
// sizes to a port on 127.0.0.1 seen on both, and the statistics blocks
// dumpcap adds when it stops.
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../agent/agent-lab.js";
import { HOST_NS } from "../../harness/exec.js";
import { withLab } from "../../harness/lab.js";

const DATAGRAMS = 12;

export function captureTsharkPcapng(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-pcap-"));
  return withLab(async (lab) => {
    const file = join(dir, "udp.pcapng");
    const socket = createSocket("udp4");
    const receiver = createSocket("udp4"); // bound, so no port-unreachable follows each datagram
    try {
      await new Promise<void>((resolve) => receiver.bind(0, "127.0.0.1", resolve));
      const port = receiver.address().port;
      // A filter given before the interfaces applies to each of them.
      const tshark = lab.spawn(HOST_NS, ["tshark", "-f", `udp dst port ${port}`, "-i", "lo", "-i", "any", "-w", file]);
      // "Capturing on" comes before dumpcap opens the interfaces; "Capture started" once it captures.
      await until(() => /Capture started/.test(tshark.stderr()), 15_000, "tshark capturing");
      for (let i = 0; i < DATAGRAMS; i++) {
        await new Promise<void>((resolve, reject) => socket.send(Buffer.alloc(1 + i * 37, i), port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
      }
      const frames = async () => (await lab.exec(HOST_NS, ["tshark", "-r", file, "-T", "fields", "-e", "frame.number"])).stdout.split("\n").filter((l) => l !== "").length;
      await until(async () => (await frames()) >= 2 * DATAGRAMS, 15_000, "every datagram on both interfaces");
      tshark.kill("SIGINT");
      await tshark.exited;
      return new Uint8Array(readFileSync(file));
    } finally {
      socket.close();
      receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
