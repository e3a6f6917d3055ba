// Script, not a module: `node udp-sender.js ADDRESS PORT COUNT SIZE` sends
// COUNT datagrams of SIZE payload bytes and prints {"sent":N}. With COUNT
// "stream" it prints {"streaming":true} once the first datagrams are out and
// goes on (at most a window a millisecond) until its stdin closes, then prints
// {"sent":N}. It exists because
// node:dgram cannot enter a network namespace: traffic.ts runs it with
// `ip netns exec`.
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

/** Sends in flight at once: enough for speed, few enough not to flood the receiver's socket. */
const WINDOW = 32;

const [address = "", port, count, size] = process.argv.slice(2);
const streaming = count === "stream";
const total = streaming ? Infinity : Number(count);
const payload = Buffer.alloc(Number(size), 0x61);
const socket = createSocket(isIPv6(address) ? "udp6" : "udp4");
let stopped = false;
if (streaming) process.stdin.on("end", () => (stopped = true)).resume();

function send(): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(payload, Number(port), address, (err) => (err ? reject(err) : resolve()));
  });
}

let sent = 0;
try {
  while (sent < total && !stopped) {
    const batch = Math.min(WINDOW, total - sent);
    await Promise.all(Array.from({ length: batch }, send));
    if (streaming && sent === 0) process.stdout.write(`${JSON.stringify({ streaming: true })}\n`);
    sent += batch;
    // Sends that complete at once settle without a turn of the event loop: give stdin's end its
    // turn, and keep a stream to about a window per millisecond (it shares the machine).
    if (streaming) await new Promise((r) => setTimeout(r, 1));
  }
  process.stdout.write(`${JSON.stringify({ sent })}\n`);
} catch (e) {
  process.stderr.write(`udp-sender: ${e instanceof Error ? e.message : String(e)} after ${sent} datagrams\n`);
  process.exitCode = 1;
} finally {
  socket.close();
}
