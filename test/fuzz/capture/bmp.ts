// BMP streams of real speakers, recorded as they arrive on a TCP listener:
// gobgpd (pre-policy, post-policy and Loc-RIB views, Route Mirroring,
// Statistics Reports, Peer Down) and FRR bgpd (the same through its bmp
// module). Each speaker runs in a lab namespace and peers with a second one
// that originates the routes; the listener is on the host end of a veth.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BmpFramer } from "../../../src/bmp/framer.js";
import { MessageType } from "../../../src/bmp/wire.js";
import { until } from "../../agent/agent-lab.js";
import { startBgpd, type BgpdConfig } from "../../enrich-e2e/frr.js";
import { gobgp, gobgpReady, startGobgpd } from "../../enrich-e2e/gobgp.js";
import { HOST_NS } from "../../harness/exec.js";
import { withLab, type Lab, type VethPair } from "../../harness/lab.js";
import { freePort } from "../../harness/ports.js";

/** The first BMP session to connect, kept as whole messages (the stream up to the last complete one). */
class BmpRecorder {
  private readonly messages: Uint8Array[] = [];
  private server: Server | undefined;
  private failure: Error | undefined;

  count(type: number): number {
    if (this.failure) throw this.failure;
    return this.messages.filter((m) => m[5] === type).length;
  }

  async listen(host: string, port: number): Promise<void> {
    const framer = new BmpFramer();
    let taken = false;
    const server = createServer((sock) => {
      if (taken) return void sock.destroy();
      taken = true;
      sock.on("data", (chunk: Buffer) => {
        const out = framer.push(chunk);
        for (const m of out.messages) this.messages.push(m.slice());
        if (out.error) this.failure ??= new Error(`the speaker's stream did not frame: ${out.error.message}`);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  }

  close(): void {
    this.server?.close();
  }

  stream(): Uint8Array {
    return Buffer.concat(this.messages);
  }
}

interface Speakers {
  lab: Lab;
  nsA: string;
  nsB: string;
  ab: VethPair;
  host: string;
  port: number;
  dir: string;
}

/** Two speaker namespaces joined by a veth, a veth from the host to A, and a recorder on the host end. */
async function withSpeakers(what: string, body: (s: Speakers, recorder: BmpRecorder) => Promise<void>): Promise<Uint8Array> {
  const recorder = new BmpRecorder();
  const dir = mkdtempSync(join(tmpdir(), `rfm-capture-${what}-`));
  chmodSync(dir, 0o777); // FRR drops to its own user
  try {
    return await withLab(
      async (lab) => {
        const nsA = await lab.netns();
        const nsB = await lab.netns();
        const ab = await lab.veth({ ns: nsA }, { ns: nsB });
        const ha = await lab.veth({ ns: HOST_NS }, { ns: nsA });
        const port = await freePort("127.0.0.1");
        await recorder.listen(ha.a.ipv4, port);
        await body({ lab, nsA, nsB, ab, host: ha.a.ipv4, port, dir }, recorder);
        return recorder.stream();
      },
      { timeoutMs: 120_000 },
    );
  } finally {
    recorder.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * gobgpd A reports everything ("all" views, mirroring, statistics every 15 s);
 * B originates IPv4 and IPv6 routes with paths, communities, large
 * communities and a MED; A adds one of its own (Loc-RIB); B withdraws one,
 * then dies, which A reports as Peer Down.
 */
export function captureGobgpBmp(): Promise<Uint8Array> {
  return withSpeakers("gobgp", async ({ lab, nsA, nsB, ab, host, port, dir }, rec) => {
    const b = startGobgpd(lab, nsB, dir, "b", { as: 65002, id: ab.b.ipv4, neighbor: ab.a.ipv4, neighborAs: 65001, passive: true });
    startGobgpd(lab, nsA, dir, "a", { as: 65001, id: ab.a.ipv4, neighbor: ab.b.ipv4, neighborAs: 65002, bmp: { host, port, statisticsSeconds: 15, mirroring: true } });
    await until(() => gobgpReady(lab, nsB), 10_000, "B's gRPC API");
    await until(() => gobgpReady(lab, nsA), 10_000, "A's gRPC API");
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv4", "192.0.2.0/24"]);
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv4", "100.64.20.0/22", "aspath", "65100,65200", "community", "65002:100,65002:200", "large-community", "65002:1:2", "med", "50"]);
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv6", "2001:db8:200::/48", "aspath", "65300", "community", "65002:300"]);
    await gobgp(lab, nsA, ["global", "rib", "add", "-a", "ipv4", "203.0.113.0/25", "community", "65001:7"]);
    await until(() => rec.count(MessageType.PeerUp) >= 1 && rec.count(MessageType.RouteMonitoring) >= 10, 20_000, "gobgpd's routes over BMP");
    const before = rec.count(MessageType.RouteMonitoring);
    await gobgp(lab, nsB, ["global", "rib", "del", "-a", "ipv4", "100.64.20.0/22"]);
    await until(() => rec.count(MessageType.RouteMonitoring) > before, 10_000, "the withdrawal");
    await until(() => rec.count(MessageType.StatisticsReport) >= 1, 25_000, "a statistics report");
    b.kill("SIGKILL");
    await until(() => rec.count(MessageType.PeerDown) >= 1, 15_000, "Peer Down after B died");
  });
}

/**
 * FRR bgpd A (bmp module: pre- and post-policy IPv4, post-policy IPv6,
 * statistics every second, mirroring) peers with B, which announces IPv4 and
 * IPv6 networks; B withdraws one, then stops, which A reports as Peer Down.
 */
export function captureFrrBmp(): Promise<Uint8Array> {
  return withSpeakers("frr", async ({ lab, nsA, nsB, ab, host, port, dir }, rec) => {
    const dirA = join(dir, "a");
    const dirB = join(dir, "b");
    for (const d of [dirA, dirB]) {
      mkdirSync(d);
      chmodSync(d, 0o777);
    }
    const confA: BgpdConfig = { as: 65001, id: ab.a.ipv4, neighbors: [{ address: ab.b.ipv4, as: 65002 }], networks: ["198.51.100.0/24"], networks6: [], bmp: { host, port, statsMs: 1000, mirror: true } };
    const confB: BgpdConfig = { as: 65002, id: ab.b.ipv4, neighbors: [{ address: ab.a.ipv4, as: 65001 }], networks: ["192.0.2.0/24", "100.64.10.0/24", "100.64.10.128/25"], networks6: ["2001:db8:100::/48"] };
    startBgpd(lab, nsB, dirB, confB, ab.b.ipv4);
    startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);
    await until(() => rec.count(MessageType.PeerUp) >= 1 && rec.count(MessageType.RouteMonitoring) >= 8, 30_000, "FRR's routes over BMP");
    const before = rec.count(MessageType.RouteMonitoring);
    await lab.execOk(HOST_NS, ["vtysh", "--vty_socket", dirB, "-c", "configure terminal", "-c", "router bgp 65002", "-c", "address-family ipv4 unicast", "-c", "no network 192.0.2.0/24"]);
    await until(() => rec.count(MessageType.RouteMonitoring) > before, 15_000, "the withdrawal");
    await until(() => rec.count(MessageType.StatisticsReport) >= 2 && rec.count(MessageType.RouteMirroring) >= 1, 15_000, "statistics and mirroring");
    await lab.exec(HOST_NS, ["sh", "-c", `kill $(cat ${join(dirB, "bgpd.pid")})`]);
    await until(() => rec.count(MessageType.PeerDown) >= 1, 20_000, "Peer Down after B stopped");
  });
}
