// The decode options of each monitored session of one BMP connection, kept
// from Peer Up to Peer Down so Route Monitoring can be read correctly. Bounded:
// past maxPeers the session seen up longest ago is forgotten (its routes then
// decode with the defaults).
import type { BmpMessage } from "./messages.js";
import { peerKey, type PerPeerHeader } from "./per-peer-header.js";
import { sessionOptionsFromPeerUp, type SessionOptions } from "./session-options.js";

export const DEFAULT_MAX_PEERS = 4096;

export class PeerSessions {
  readonly maxPeers: number;
  /** Sessions forgotten to stay within maxPeers. */
  evicted = 0;
  private readonly sessions = new Map<string, SessionOptions>();

  constructor(opts: { maxPeers?: number } = {}) {
    this.maxPeers = Math.max(1, opts.maxPeers ?? DEFAULT_MAX_PEERS);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Learns from a Peer Up, forgets on a Peer Down; other messages are ignored. */
  observe(message: BmpMessage): void {
    if (message.type === "peer_up") {
      const key = peerKey(message.peer);
      this.sessions.delete(key); // re-inserted last: the newest
      this.sessions.set(key, sessionOptionsFromPeerUp(message.peer, message.sentOpen, message.receivedOpen));
      while (this.sessions.size > this.maxPeers) {
        this.sessions.delete(this.sessions.keys().next().value as string);
        this.evicted++;
      }
    } else if (message.type === "peer_down") {
      this.sessions.delete(peerKey(message.peer));
    }
  }

  /** Shaped for BmpDecodeOptions.sessionFor. */
  readonly lookup = (peer: PerPeerHeader): SessionOptions | undefined => this.sessions.get(peerKey(peer));
}
