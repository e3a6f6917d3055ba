// Every decoder of outside bytes the fuzz engine drives, by name.
import type { FuzzTarget } from "../target.js";
import { bmpTarget } from "./bmp.js";
import { configTarget } from "./config.js";
import { controlTarget } from "./control.js";
import { ipfixTarget } from "./ipfix.js";
import { ipReassemblyTarget } from "./ip-reassembly.js";
import { netflowV5Target } from "./netflow-v5.js";
import { netflowV9Target } from "./netflow-v9.js";
import { netlinkTarget } from "./netlink.js";
import { pcapTarget } from "./pcap.js";
import { ringEventTarget } from "./ring-event.js";
import { sflowTarget } from "./sflow.js";
import { udpFrameTarget } from "./udp-frame.js";

const TARGETS: Record<string, () => FuzzTarget> = {
  ipfix: ipfixTarget,
  "netflow-v5": netflowV5Target,
  "netflow-v9": netflowV9Target,
  sflow: sflowTarget,
  pcap: pcapTarget,
  "udp-frame": udpFrameTarget,
  "ip-reassembly": ipReassemblyTarget,
  bmp: bmpTarget,
  netlink: netlinkTarget,
  "ring-event": ringEventTarget,
  config: configTarget,
  control: controlTarget,
};

export const TARGET_NAMES: readonly string[] = Object.keys(TARGETS);

export function createTarget(name: string): FuzzTarget {
  const make = TARGETS[name];
  if (!make) throw new Error(`no fuzz target ${JSON.stringify(name)}; known: ${TARGET_NAMES.join(", ")}`);
  return make();
}
