// Sends hand-made Ethernet frames out of an interface through an AF_PACKET
// socket (python3's socket module; Node has none). How tagged frames reach a
// veth on a kernel without the 802.1Q module.
import type { Netns } from "./exec.js";
import type { Lab } from "./lab.js";

const SENDER = `
import socket, sys
ifname, count = sys.argv[1], int(sys.argv[2])
frames = [bytes.fromhex(l.strip()) for l in sys.stdin if l.strip()]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
for _ in range(count):
    for f in frames:
        s.send(f)
print(count * len(frames))
`;

/** Sends each frame `count` times from `ifname` in `ns`; resolves with the number sent. */
export async function sendRawFrames(lab: Lab, ns: Netns, ifname: string, frames: Uint8Array[], count = 1): Promise<number> {
  const input = frames.map((f) => Buffer.from(f).toString("hex")).join("\n") + "\n";
  const r = await lab.execOk(ns, ["python3", "-c", SENDER, ifname, String(count)], { input });
  return Number(r.stdout.trim());
}
