// Re-creates the fuzz seeds captured from real peers into
// test/fixtures/captures/ (see the README there). Root, and the peers
// installed (gobgpd, FRR, pmacct, softflowd, tshark). Only loopback and lab namespaces are used;
// each capture removes its namespaces and processes, also when it fails.
// Run: node dist/test/fuzz/capture/main.js [NAME...]   (default: all)
import { writeFileSync } from "node:fs";
import { packagePath } from "../../../src/paths.js";
import { captureFrrBmp, captureGobgpBmp } from "./bmp.js";
import { captureControlRequests } from "./control.js";
import { captureAgentIpfix, capturePmacctIpfix } from "./ipfix.js";
import { captureNetlink } from "./netlink.js";
import { captureSoftflowdV5 } from "./netflow-v5.js";
import { captureSoftflowdV9 } from "./netflow-v9.js";
import { captureTsharkPcapng } from "./pcap.js";
import { captureRingEvents } from "./ring.js";
import { capturePmacctSflow } from "./sflow.js";

const CAPTURES: Record<string, () => Uint8Array | Promise<Uint8Array>> = {
  "gobgp-bmp.bin": captureGobgpBmp,
  "frr-bmp.bin": captureFrrBmp,
  "agent-ipfix.bin": captureAgentIpfix,
  "pmacct-ipfix.bin": capturePmacctIpfix,
  "softflowd-v5.bin": captureSoftflowdV5,
  "softflowd-v9.bin": captureSoftflowdV9,
  "tshark-udp.pcapng": captureTsharkPcapng,
  "netlink-links.bin": captureNetlink,
  "ring-events.bin": captureRingEvents,
  "pmacct-sflow.bin": capturePmacctSflow,
  "control-requests.jsonl": captureControlRequests,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in CAPTURES));
if (unknown.length > 0) {
  console.error(`unknown capture ${unknown.join(", ")}; known: ${Object.keys(CAPTURES).join(", ")}`);
  process.exit(2);
}
let failed = false;
for (const [name, capture] of Object.entries(CAPTURES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  try {
    const bytes = await capture();
    if (bytes.length === 0) throw new Error("nothing captured");
    writeFileSync(packagePath("test", "fixtures", "captures", name), bytes);
    console.log(`${name}: ${bytes.length} octets`);
  } catch (e) {
    failed = true;
    console.error(`${name}: ${(e as Error).stack ?? String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
