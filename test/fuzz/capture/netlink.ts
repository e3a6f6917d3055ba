// rtnetlink as the addon's reader hands it over, inside a lab namespace: the
// link dump (loopback, a veth), then the events of links created, changed,
// renamed and deleted (veth, bridge, macvlan, vxlan). Every batch is kept as
// received; netlink messages carry their own lengths, so the file is the
// batches one after another.
import { loadAddon } from "../../../src/bpf/addon.js";
import { NLMSG_DONE } from "../../../src/netlink/messages.js";
import { until } from "../../agent/agent-lab.js";
import { HOST_NS } from "../../harness/exec.js";
import { ip } from "../../harness/ip.js";
import { withLab } from "../../harness/lab.js";

function hasType(batches: Buffer[], type: number): boolean {
  return batches.some((b) => {
    for (let off = 0; off + 16 <= b.length; ) {
      const len = b.readUInt32LE(off);
      if (b.readUInt16LE(off + 4) === type) return true;
      if (len < 16) return false;
      off += (len + 3) & ~3;
    }
    return false;
  });
}

export function captureNetlink(): Promise<Uint8Array> {
  return withLab(async (lab) => {
    const ns = await lab.netns();
    const pair = await lab.veth({ ns }, { ns: HOST_NS });
    const addon = loadAddon();
    const batches: Buffer[] = [];
    let failed = 0;
    const h = addon.netlinkOpen(`/run/netns/${ns}`, (batch, errno) => {
      if (batch) batches.push(Buffer.from(batch));
      else failed = errno;
    });
    try {
      addon.netlinkDumpLinks(h);
      await until(() => hasType(batches, NLMSG_DONE), 5000, "the link dump");
      const before = batches.length;
      const dev = pair.a.name;
      await ip(ns, ["link", "add", "br0", "type", "bridge"]);
      await ip(ns, ["link", "add", "mv0", "link", dev, "type", "macvlan", "mode", "bridge"]);
      await ip(ns, ["link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "local", pair.a.ipv4]);
      await ip(ns, ["link", "set", "mv0", "master", "br0"]);
      await ip(ns, ["link", "set", "br0", "up"]);
      await ip(ns, ["link", "set", "mv0", "mtu", "1400"]);
      await ip(ns, ["link", "set", "mv0", "down"]);
      await ip(ns, ["link", "set", "mv0", "name", "renamed0"]);
      await ip(ns, ["link", "set", "renamed0", "address", "02:00:00:00:00:42"]);
      await ip(ns, ["link", "del", "renamed0"]);
      await ip(ns, ["link", "del", "vx0"]);
      await ip(ns, ["link", "del", "br0"]);
      await until(() => batches.length > before + 8, 5000, "link events");
      await new Promise((r) => setTimeout(r, 300));
      if (failed) throw new Error(`netlink reader failed: errno ${failed}`);
    } finally {
      addon.netlinkClose(h);
    }
    return Buffer.concat(batches);
  });
}
