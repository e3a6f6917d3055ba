// The BMP listener: routers connect over TCP (RFC 7854) and their Route
// Monitoring feeds the RIB. One BMP session per connection; routes survive the
// session (the RIB retires them later). Everything malformed is counted in
// rfm_errors_total{subsystem="bmp"}; a framing error ends that session only.
import { createServer, type Server, type Socket } from "node:net";
import { BmpFramer, PeerSessions, decodeBmpMessage, toMapped16, type BmpMessage, type PerPeerHeader } from "../bmp/index.js";
import { Rib } from "../rib/rib.js";
import type { ErrorCounters } from "../metrics/errors.js";
import { log } from "../log/logger.js";

export const MAX_BMP_SESSIONS = 16;
const TICK_MS = 5000;

export interface BmpListenerOptions {
  host: string;
  port: number;
  rib: Rib;
  errors: ErrorCounters;
  maxSessions?: number;
}

/** Problems in BMP messages named in the log (the first ones since start); the rest are only counted. */
const MAX_LOGGED_PROBLEMS = 100;

export class BmpListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private sessionSeq = 0;
  private tick: NodeJS.Timeout | undefined;
  readonly stats = { sessions: 0, rejectedSessions: 0, messages: 0, problems: 0, framingErrors: 0 };
  /** Problems in messages by code (what `stats.problems` sums). */
  readonly problemsByCode = new Map<string, number>();
  private problemsLogged = 0;
  address: { host: string; port: number } | undefined;

  constructor(private readonly opts: BmpListenerOptions) {}

  get openSessions(): number {
    return this.sockets.size;
  }

  /** Binds the port; a bind failure rejects (the agent then does not start). */
  async listen(): Promise<void> {
    const server = createServer((sock) => this.onConnection(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const a = server.address();
    this.address = a && typeof a === "object" ? { host: a.address, port: a.port } : { host: this.opts.host, port: this.opts.port };
    this.tick = setInterval(() => this.opts.rib.tick(), TICK_MS);
    this.tick.unref();
  }

  close(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    for (const s of this.sockets) s.destroy();
    const srv = this.server;
    this.server = undefined;
    return srv ? new Promise((r) => srv.close(() => r())) : Promise.resolve();
  }

  private onConnection(sock: Socket): void {
    if (this.sockets.size >= (this.opts.maxSessions ?? MAX_BMP_SESSIONS)) {
      this.stats.rejectedSessions++;
      this.opts.errors.inc("bmp");
      log.warn("bmp session refused: too many sessions", { remote: sock.remoteAddress, max: this.opts.maxSessions ?? MAX_BMP_SESSIONS });
      sock.destroy();
      return;
    }
    const rib = this.opts.rib;
    const session = ++this.sessionSeq;
    // A router reconnecting comes from the same address: that is its identity across sessions.
    const speaker = sock.remoteAddress ?? `session-${session}`;
    rib.sessionOpened(session, speaker);
    this.sockets.add(sock);
    this.stats.sessions++;
    log.info("bmp session opened", { remote: speaker, session });
    const framer = new BmpFramer();
    const peers = new PeerSessions();
    sock.on("data", (chunk: Buffer) => {
      const out = framer.push(chunk);
      for (const bytes of out.messages) this.onMessage(session, speaker, bytes, peers);
      if (out.error) {
        this.stats.framingErrors++;
        this.opts.errors.inc("bmp");
        log.warn("bmp session ended: bad framing", { remote: speaker, error: out.error.message });
        sock.destroy();
      }
    });
    sock.on("error", () => undefined);
    sock.on("close", () => {
      // A stream that stopped inside a message lost it: counted like any framing error
      // (unless framing already failed, or the listener itself is closing).
      const cut = this.server && !framer.failed ? framer.end() : undefined;
      if (cut) {
        this.stats.framingErrors++;
        this.opts.errors.inc("bmp");
        log.warn("bmp session ended inside a message", { remote: speaker, error: cut.message });
      }
      this.sockets.delete(sock);
      rib.sessionEnded(session);
      log.info("bmp session closed", { remote: speaker, session });
    });
  }

  private onMessage(session: number, speaker: string, bytes: Uint8Array, peers: PeerSessions): void {
    this.stats.messages++;
    const d = decodeBmpMessage(bytes, { sessionFor: peers.lookup });
    if (d.problems.length > 0) {
      // Named in the log up to a bound per listener, so hostile input cannot flood it; all are counted.
      for (const p of d.problems) {
        this.problemsByCode.set(p.code, (this.problemsByCode.get(p.code) ?? 0) + 1);
        if (this.problemsLogged >= MAX_LOGGED_PROBLEMS) continue;
        this.problemsLogged++;
        log.warn("bmp message problem", { remote: speaker, session, code: p.code, action: p.action, error: p.message });
      }
      this.stats.problems += d.problems.length;
      this.opts.errors.inc("bmp", d.problems.length);
    }
    const m = d.message;
    if (!m) return;
    peers.observe(m);
    this.apply(session, m);
  }

  private apply(session: number, m: BmpMessage): void {
    const rib = this.opts.rib;
    if (m.type === "peer_up") rib.peerUp(session, peerKey(m.peer));
    else if (m.type === "peer_down") rib.peerDown(session, peerKey(m.peer));
    else if (m.type === "route_monitoring" && m.update) {
      const u = m.update;
      if (u.outcome === "session_reset") return; // RFC 7606: nothing of it applies
      const view = { session, ...peerKey(m.peer), postPolicy: m.peer.postPolicy };
      if (u.endOfRib) {
        // The speaker finished dumping this family: stale copies of it from an earlier session go now.
        if (u.endOfRib.safi === 1 && (u.endOfRib.afi === 1 || u.endOfRib.afi === 2)) rib.endOfRib(view, u.endOfRib.afi === 1 ? 4 : 6);
        return;
      }
      for (const r of u.withdrawn) rib.withdraw(view, { address: toMapped16(r.prefix), length: r.length }, r.pathId ?? 0);
      if (u.outcome === "treat_as_withdraw") {
        for (const r of u.announced) rib.withdraw(view, { address: toMapped16(r.prefix), length: r.length }, r.pathId ?? 0);
        return;
      }
      const a = u.attributes;
      if (!a) return;
      const communities = a.communities.map(([hi, lo]) => ((hi << 16) | lo) >>> 0);
      const large = a.largeCommunities.flat();
      // An empty path is the router's own route (or iBGP): its origin is the peer's AS.
      const origin = a.originAsn || (a.asPath.length === 0 && !a.originAsSet ? m.peer.asn : 0);
      for (const r of u.announced) {
        rib.announce(view, { address: toMapped16(r.prefix), length: r.length }, {
          pathId: r.pathId ?? 0, origin, asPath: a.asPath, communities, largeCommunities: large, peerAs: m.peer.asn,
        });
      }
    }
  }
}

function peerKey(p: PerPeerHeader): { peerAddress: Uint8Array; distinguisher: bigint } {
  return { peerAddress: toMapped16(p.address), distinguisher: p.distinguisher };
}

/** The RIB as an ASN source for flow enrichment: origin of the longest match, 0 when none. */
export class RibAsnSource {
  constructor(private readonly rib: Rib) {}
  lookupAsn(address: Uint8Array): number {
    const ref = this.rib.lookup(address);
    return ref < 0 ? 0 : this.rib.origin(ref);
  }
}
