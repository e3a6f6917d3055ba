// Script, not a module: `node udp-receiver.js BIND_ADDRESS PORT` counts UDP
// datagrams. Prints {"ready":true,"port":N} once bound (PORT 0 picks one);
// when stdin closes it waits until the socket is quiet, prints
// {"datagrams":N,"bytes":N,"rcvbufErrors":N} and exits. rcvbufErrors (from
// /proc/net/snmp{,6} of its namespace) tells a receive-buffer overflow apart
// from a packet lost on the wire.
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { isIPv4 } from "node:net";

/** Stop only after the socket has been idle this long, so queued datagrams are read. */
const QUIET_MS = 200;
/** Asked-for receive buffer; the kernel caps it at net.core.rmem_max (and doubles it). */
const RECV_BUFFER = 8 << 20;

function rcvbufErrors(): number {
  let n = 0;
  try {
    const snmp = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Udp:"));
    const [names, values] = snmp.map((l) => l.trim().split(/\s+/));
    const i = names?.indexOf("RcvbufErrors") ?? -1;
    if (i > 0) n += Number(values?.[i] ?? 0);
    const m = /^Udp6RcvbufErrors\s+(\d+)$/m.exec(readFileSync("/proc/net/snmp6", "utf8"));
    if (m) n += Number(m[1]);
  } catch {
    // counters unavailable: report what was found
  }
  return n;
}

const [bind = "::", port = "0"] = process.argv.slice(2);
const socket = createSocket({ type: isIPv4(bind) ? "udp4" : "udp6", recvBufferSize: RECV_BUFFER });
const errorsAtStart = rcvbufErrors();
let datagrams = 0;
let bytes = 0;
let lastMessage = Date.now();

socket.on("message", (msg) => {
  datagrams++;
  bytes += msg.length;
  lastMessage = Date.now();
});

socket.bind(Number(port), bind, () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: socket.address().port })}\n`);
});

function finish(): void {
  if (Date.now() - lastMessage < QUIET_MS) {
    setTimeout(finish, QUIET_MS);
    return;
  }
  process.stdout.write(`${JSON.stringify({ datagrams, bytes, rcvbufErrors: rcvbufErrors() - errorsAtStart })}\n`);
  socket.close();
  process.stdin.destroy();
}

process.stdin.on("end", finish).resume();
