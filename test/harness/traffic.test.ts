// Traffic through lab veth pairs arrives whole: the kernel's counters and the
// receiving socket agree with what was sent.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { HOST_NS } from "./exec.js";
import { ip } from "./ip.js";
import { createLab } from "./lab.js";
import { linkStats } from "./links.js";
import { setSysctl } from "./netns.js";
import { requirePrivileges } from "./privileges.js";
import { ping, sendUdp, startUdpReceiver } from "./traffic.js";

test("3,000 UDP datagrams of 100 bytes from A all arrive at B", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const a = await lab.netns();
  const b = await lab.netns();
  const link = await lab.veth({ ns: a }, { ns: b });
  const receiver = await startUdpReceiver(lab, { ns: b });
  const before = await linkStats(b, link.b.name);

  const { sent } = await sendUdp(lab, { from: a, to: link.b.ipv4, port: receiver.port, count: 3000, size: 100 });
  const got = await receiver.stop();
  const after = await linkStats(b, link.b.name);

  assert.equal(sent, 3000);
  assert.ok(after.rxPackets - before.rxPackets >= 3000, `veth rx_packets grew by ${after.rxPackets - before.rxPackets}`);
  assert.equal(got.rcvbufErrors, 0, "the receiver's socket buffer overflowed");
  assert.equal(got.datagrams, 3000);
  assert.equal(got.bytes, 3000 * 100);
});

test("UDP over IPv6 reaches a receiver bound to ::", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const a = await lab.netns();
  const b = await lab.netns();
  const link = await lab.veth({ ns: a }, { ns: b });
  const receiver = await startUdpReceiver(lab, { ns: b });
  await sendUdp(lab, { from: a, to: link.b.ipv6, port: receiver.port, count: 50, size: 1200 });
  assert.deepEqual(await receiver.stop(), { datagrams: 50, bytes: 50 * 1200, rcvbufErrors: 0 });
});

test("IPv6 ping works between namespaces", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const a = await lab.netns();
  const b = await lab.netns();
  const link = await lab.veth({ ns: a }, { ns: b });
  assert.deepEqual(await ping(lab, { from: a, to: link.b.ipv6, count: 3 }), { transmitted: 3, received: 3 });
});

test("the host namespace reaches a lab namespace over IPv4 and IPv6", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const ns = await lab.netns();
  const link = await lab.veth({ ns: HOST_NS }, { ns });
  assert.deepEqual(await ping(lab, { from: HOST_NS, to: link.b.ipv4, count: 2 }), { transmitted: 2, received: 2 });
  assert.deepEqual(await ping(lab, { from: ns, to: link.a.ipv6, count: 2 }), { transmitted: 2, received: 2 });
});

test("ping reports lost replies instead of throwing", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const a = await lab.netns();
  const b = await lab.netns();
  const link = await lab.veth({ ns: a }, { ns: b });
  await ip(b, ["link", "set", "dev", link.b.name, "down"]);
  assert.deepEqual(await ping(lab, { from: a, to: link.b.ipv4, count: 2 }), { transmitted: 2, received: 0 });
});

test("a namespace with forwarding on routes between two others (router topology)", async (t) => {
  if (!requirePrivileges(t)) return;
  const lab = await createLab(t);
  const [a, r, b] = [await lab.netns(), await lab.netns(), await lab.netns()];
  const left = await lab.veth({ ns: a }, { ns: r });
  const right = await lab.veth({ ns: r }, { ns: b });
  await setSysctl(r, "net.ipv4.ip_forward", "1");
  await setSysctl(r, "net.ipv6.conf.all.forwarding", "1");
  await ip(a, ["route", "add", "default", "via", left.b.ipv4]);
  await ip(a, ["-6", "route", "add", "default", "via", left.b.ipv6]);
  await ip(b, ["route", "add", "default", "via", right.a.ipv4]);
  await ip(b, ["-6", "route", "add", "default", "via", right.a.ipv6]);

  const receiver = await startUdpReceiver(lab, { ns: b });
  const forwardedBefore = await linkStats(r, right.a.name);
  await sendUdp(lab, { from: a, to: right.b.ipv4, port: receiver.port, count: 100, size: 64 });
  await sendUdp(lab, { from: a, to: right.b.ipv6, port: receiver.port, count: 100, size: 64 });
  assert.equal((await receiver.stop()).datagrams, 200);
  const forwarded = (await linkStats(r, right.a.name)).txPackets - forwardedBefore.txPackets;
  assert.ok(forwarded >= 200, `router transmitted ${forwarded} packets towards B`);
});
