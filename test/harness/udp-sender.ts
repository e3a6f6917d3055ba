// Script, not a module: `node udp-sender.js ADDRESS PORT COUNT SIZE` sends
// COUNT datagrams of SIZE payload bytes and prints {"sent":N}. It exists
// because node:dgram cannot enter a network namespace: traffic.ts runs it
// with `ip netns exec`.
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

/** Sends in flight at once: enough for speed, few enough not to flood the receiver's socket. */
const WINDOW = 32;

const [address = "", port, count, size] = process.argv.slice(2);
const total = Number(count);
const payload = Buffer.alloc(Number(size), 0x61);
const socket = createSocket(isIPv6(address) ? "udp6" : "udp4");

function send(): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(payload, Number(port), address, (err) => (err ? reject(err) : resolve()));
  });
}

let sent = 0;
try {
  while (sent < total) {
    const batch = Math.min(WINDOW, total - sent);
    await Promise.all(Array.from({ length: batch }, send));
    sent += batch;
  }
  process.stdout.write(`${JSON.stringify({ sent })}\n`);
} catch (e) {
  process.stderr.write(`udp-sender: ${e instanceof Error ? e.message : String(e)} after ${sent} datagrams\n`);
  process.exitCode = 1;
} finally {
  socket.close();
}
