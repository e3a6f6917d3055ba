// One expected interface counter row; ingress on loopback unless told.
import type { IfaceCounter } from "../../src/bpf/datapath.js";
import { DIR_EGRESS, DIR_INGRESS } from "../../src/bpf/layout.js";

export function counter(
  family: number,
  packets: number,
  bytes: number,
  o: { dir?: "ingress" | "egress"; ifindex?: number } = {},
): IfaceCounter {
  return { ifindex: o.ifindex ?? 1, netns: 0, dir: o.dir === "egress" ? DIR_EGRESS : DIR_INGRESS, family, packets, bytes };
}
