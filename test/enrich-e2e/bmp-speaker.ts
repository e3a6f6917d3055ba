// A BMP speaker for the listener tests: a TCP connection to the agent that
// sends crafted streams, the common messages of those streams (a monitored
// router 192.0.2.1, AS 65001), and an agent listening for it.
import type { TestContext } from "node:test";
import { connect, type Socket } from "node:net";
import type { Agent } from "../../src/agent/agent.js";
import { startAgent } from "../agent/agent-lab.js";
import { freePort } from "../harness/ports.js";
import { a, cap, cat, initiation, ip, open, peerUp, prefixes, routeMonitoring, tlv, update } from "../bmp/builders.js";

export const HOST = "127.0.0.1";

/** One BMP speaker's TCP connection to the agent. */
export class Speaker {
  closed = false;
  readonly ended: Promise<void>;

  private constructor(readonly sock: Socket) {
    sock.on("error", () => undefined); // writes after the agent hung up fail: expected here
    this.ended = new Promise((resolve) => sock.once("close", () => resolve()));
    void this.ended.then(() => (this.closed = true));
  }

  static connect(t: TestContext, port: number): Promise<Speaker> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: HOST, port });
      sock.once("error", reject);
      sock.once("connect", () => {
        sock.off("error", reject);
        const s = new Speaker(sock);
        t.after(() => sock.destroy());
        resolve(s);
      });
    });
  }

  /** Resolves once the bytes are handed to the kernel (or the connection is gone). */
  send(...messages: Uint8Array[]): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.sock.write(cat(...messages), () => resolve());
    });
  }

  /**
   * Closes our side and waits until the connection is gone. The agent reads
   * the whole stream before it sees the end and hangs up, so by then it has
   * applied every message sent.
   */
  async end(): Promise<void> {
    this.sock.end();
    await this.ended;
  }
}

/** An agent listening for BMP on HOST, metering nothing; `bmpKeys`: more TOML lines of [agent.enrich.rib.bmp]. */
export async function bmpAgent(
  t: TestContext,
  control: Record<string, Record<string, unknown>> = {},
  bmpKeys = "",
): Promise<{ agent: Agent; port: number; scrape: () => Promise<string> }> {
  const port = await freePort(HOST);
  const started = await startAgent(t, ["rfmt-none"], control, `[agent.enrich.rib.bmp]\nhost = "${HOST}"\nport = ${port}\n${bmpKeys}`);
  const scrape = async () => (await fetch(`http://[::1]:${started.port}/metrics`)).text();
  return { agent: started.agent, port, scrape };
}

export const hello = initiation(tlv(1, "rfm test speaker"), tlv(2, "r1"));

const openOf = (asn: number, id: string) => open({ asn, bgpId: id, capabilities: [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(asn)] });

/** The Peer Up of the peer whose per-peer header is `peer`: AS `asn` at `address`, in session with the router. */
export function peerUpOf(peer: Uint8Array, address: string, asn: number): Uint8Array {
  return peerUp(peer, { local: "192.0.2.1", sent: openOf(65001, "192.0.2.1"), received: openOf(asn, address) });
}

/** Route Monitoring announcing IPv4 or IPv6 prefixes with one AS path. */
export function announce(peer: Uint8Array, prefix: string, path: number[]): Uint8Array {
  const attrs = prefix.includes(":")
    ? [a.origin(), a.path(...path), a.mpReach(2, 1, ip("2001:db8::2"), prefixes(prefix))]
    : [a.origin(), a.path(...path), a.nextHop("192.0.2.2")];
  return routeMonitoring(peer, update({ attributes: attrs, ...(prefix.includes(":") ? {} : { nlri: prefixes(prefix) }) }));
}
