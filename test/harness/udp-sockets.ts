// The kernel's own counters of a UDP socket in the test's namespace, from
// /proc/net/udp and /proc/net/udp6: what waits in its receive queue and what
// it dropped (a full receive buffer). A collector has read everything sent to
// it once its queue is empty; a drop there is loss at the collector, not on
// the way.
import { readFileSync } from "node:fs";

export interface UdpSocketCounters {
  /** Bytes waiting in the receive queue (what the owner has not read yet). */
  rxQueue: number;
  /** Datagrams dropped since the socket was created. */
  drops: number;
}

/**
 * The counters of the sockets bound to local `port` (IPv4 and IPv6 summed);
 * undefined when none is. With `pid`, in that process's network namespace
 * (a lab namespace's socket: /proc/PID/net shows the namespace PID is in).
 */
export function udpSocketCounters(port: number, pid?: number): UdpSocketCounters | undefined {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const net = pid === undefined ? "/proc/net" : `/proc/${pid}/net`;
  let found: UdpSocketCounters | undefined;
  for (const file of [`${net}/udp`, `${net}/udp6`]) {
    // Columns: sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13 || !f[1]!.endsWith(hexPort)) continue;
      found ??= { rxQueue: 0, drops: 0 };
      found.rxQueue += parseInt(f[4]!.split(":")[1]!, 16);
      found.drops += Number(f[12]);
    }
  }
  return found;
}
