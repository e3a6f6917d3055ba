// Sends hand-made Ethernet frames out of interfaces through AF_PACKET sockets
// (python3's socket module; Node has none). How tagged frames reach a veth on
// a kernel without the 802.1Q module, and how each of many links gets exactly
// the frames a test counts.
import type { Netns } from "./exec.js";
import type { Lab } from "./lab.js";

const SENDER = `
import socket, sys
ifnames, count = sys.argv[1].split(","), int(sys.argv[2])
frames = [bytes.fromhex(l.strip()) for l in sys.stdin if l.strip()]
for ifname in ifnames:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    for _ in range(count):
        for f in frames:
            s.send(f)
    s.close()
print(count * len(frames) * len(ifnames))
`;

/** Sends each frame `count` times from each of `ifnames` in `ns`; resolves with the number sent. */
export async function sendRawFrames(lab: Lab, ns: Netns, ifnames: string | string[], frames: Uint8Array[], count = 1): Promise<number> {
  const input = frames.map((f) => Buffer.from(f).toString("hex")).join("\n") + "\n";
  const names = typeof ifnames === "string" ? ifnames : ifnames.join(",");
  const r = await lab.execOk(ns, ["python3", "-c", SENDER, names, String(count)], { input });
  return Number(r.stdout.trim());
}
