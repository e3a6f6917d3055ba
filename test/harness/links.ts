// Interface facts from `ip -j -s link show`: ifindex, MAC, kernel counters.
import { ipJson } from "./ip.js";
import type { Netns } from "./exec.js";

export interface LinkInfo {
  ifindex: number;
  ifname: string;
  mac: string;
  mtu: number;
  operstate: string;
}

export interface LinkStats {
  rxPackets: number;
  rxBytes: number;
  rxDropped: number;
  txPackets: number;
  txBytes: number;
  txDropped: number;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  mtu: number;
  operstate: string;
  stats64?: {
    rx: { bytes: number; packets: number; dropped: number };
    tx: { bytes: number; packets: number; dropped: number };
  };
}

async function showLink(ns: Netns, ifname: string): Promise<IpLink> {
  const [link] = await ipJson<IpLink[]>(ns, ["-s", "link", "show", "dev", ifname]);
  if (!link) throw new Error(`no link ${ifname} in ${ns ?? "the host namespace"}`);
  return link;
}

export async function linkInfo(ns: Netns, ifname: string): Promise<LinkInfo> {
  const l = await showLink(ns, ifname);
  return { ifindex: l.ifindex, ifname: l.ifname, mac: l.address, mtu: l.mtu, operstate: l.operstate };
}

export async function linkStats(ns: Netns, ifname: string): Promise<LinkStats> {
  const s = (await showLink(ns, ifname)).stats64;
  if (!s) throw new Error(`ip reported no stats64 for ${ifname}`);
  return {
    rxPackets: s.rx.packets,
    rxBytes: s.rx.bytes,
    rxDropped: s.rx.dropped,
    txPackets: s.tx.packets,
    txBytes: s.tx.bytes,
    txDropped: s.tx.dropped,
  };
}
