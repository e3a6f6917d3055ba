// Capture files written by real tools: tshark captures UDP datagrams on lo
// (pcapng, Ethernet) and on "any" (Linux cooked, as libpcap 1.10 on Debian 12 writes it), editcap rewrites the
// first as classic pcap in microseconds and in nanoseconds. Every frame's
// time, lengths and link type equal what tshark reads from the same file,
// and each frame holds the datagram that was sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { tempDir } from "../harness/temp-dir.js";
import { until } from "../agent/agent-lab.js";
import { freeUdpPort } from "../ipfix-interop/peers.js";
import { decodeCapture, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL } from "../../src/pcap/index.js";

const COUNT = 50;

describe("capture files from tshark and editcap", () => {
  test("pcapng from lo and any, pcap in us and ns: times, lengths, link types as tshark reads them; each frame ends with its datagram", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const dir = tempDir("rfm-pcap-", t);
    const port = await freeUdpPort();
    const files = { lo: join(dir, "lo.pcapng"), any: join(dir, "any.pcapng") };
    const captures = Object.entries(files).map(([iface, file]) => lab.spawn(HOST_NS, ["tshark", "-i", iface, "-f", `udp dst port ${port}`, "-w", file]));
    // "Capturing on" comes before dumpcap opens the interface; "Capture started" once it captures.
    await until(() => captures.every((c) => /Capture started/.test(c.stderr())), 15_000, "both captures running");

    const socket = createSocket("udp4");
    t.after(() => socket.close());
    const payload = (i: number) => Buffer.from(`datagram ${i} `.padEnd(20 + i, "x"));
    for (let i = 0; i < COUNT; i++) await new Promise<void>((resolve, reject) => socket.send(payload(i), port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
    const frames = async (file: string) => (await lab.exec(HOST_NS, ["tshark", "-r", file, "-T", "fields", "-e", "frame.number"])).stdout.split("\n").filter((l) => l !== "").length;
    await until(async () => (await frames(files.lo)) >= COUNT && (await frames(files.any)) >= COUNT, 15_000, "every datagram captured");
    for (const c of captures) c.kill("SIGINT");
    await Promise.all(captures.map((c) => c.exited));

    const pcapUs = join(dir, "lo-us.pcap");
    const pcapNs = join(dir, "lo-ns.pcap");
    await lab.execOk(HOST_NS, ["editcap", "-F", "pcap", files.lo, pcapUs]);
    await lab.execOk(HOST_NS, ["editcap", "-F", "nsecpcap", files.lo, pcapNs]);

    const cases: [string, "pcap" | "pcapng", number][] = [[files.lo, "pcapng", LINKTYPE_ETHERNET], [files.any, "pcapng", LINKTYPE_LINUX_SLL], [pcapUs, "pcap", LINKTYPE_ETHERNET], [pcapNs, "pcap", LINKTYPE_ETHERNET]];
    for (const [file, format, linkType] of cases) {
      const r = decodeCapture(new Uint8Array(readFileSync(file)));
      assert.equal(r.error, undefined, file);
      assert.equal(r.format, format, file);
      const oracle = (await lab.execOk(HOST_NS, ["tshark", "-r", file, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len"])).stdout
        .split("\n")
        .filter((l) => l !== "");
      assert.equal(r.packets.length, oracle.length, file);
      r.packets.forEach((p, i) => {
        const ours = `${p.tsSec}.${String(p.tsNsec).padStart(9, "0")}\t${p.originalLength}\t${p.data.length}`;
        assert.equal(ours, oracle[i], `${file} frame ${i + 1}`);
        assert.equal(p.linkType, linkType, file);
        assert.deepEqual(Buffer.from(p.data.subarray(p.data.length - payload(i).length)), payload(i), `${file} frame ${i + 1} carries datagram ${i}`);
      });
    }
  });
});
