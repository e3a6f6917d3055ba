// rtnetlink parsing: link messages decode to what the watcher needs; anything
// malformed becomes a "bad" item (counted as a netlink error), never a throw.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { parseNetlink, RTM_NEWLINK, RTM_DELLINK, NLMSG_DONE, ARPHRD_ETHER } from "../../src/netlink/messages.js";

function attr(type: number, payload: Uint8Array): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  Buffer.from(payload).copy(b, 4);
  return b;
}

function linkMsg(type: number, ifindex: number, name: string, opts: { linkType?: number; kind?: string; seq?: number } = {}): Buffer {
  const ifi = Buffer.alloc(16);
  ifi.writeUInt16LE(opts.linkType ?? ARPHRD_ETHER, 2);
  ifi.writeInt32LE(ifindex, 4);
  ifi.writeUInt32LE(1, 8);
  const attrs = [attr(3, Buffer.from(`${name}\0`)), attr(4, Buffer.from([0xdc, 0x05, 0, 0])), attr(1, Buffer.from([2, 0, 0, 0, 0, 1]))];
  if (opts.kind) attrs.push(attr(18, attr(1, Buffer.from(`${opts.kind}\0`))));
  const body = Buffer.concat([ifi, ...attrs]);
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt32LE(opts.seq ?? 0, 8);
  return Buffer.concat([h, body]);
}

function done(seq: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(20, 0);
  h.writeUInt16LE(NLMSG_DONE, 4);
  h.writeUInt32LE(seq, 8);
  return h;
}

describe("rtnetlink link messages", () => {
  test("a batch of new, deleted and done decodes in order", () => {
    const items = parseNetlink(Buffer.concat([linkMsg(RTM_NEWLINK, 7, "veth0", { kind: "veth" }), linkMsg(RTM_DELLINK, 8, "eth1"), done(42)]));
    assert.deepEqual(items, [
      { type: "link", link: { kind: "new", ifindex: 7, name: "veth0", linkType: 1, flags: 1, mtu: 1500, mac: "02:00:00:00:00:01", infoKind: "veth" } },
      { type: "link", link: { kind: "del", ifindex: 8, name: "eth1", linkType: 1, flags: 1, mtu: 1500, mac: "02:00:00:00:00:01" } },
      { type: "done", seq: 42 },
    ]);
  });

  test("a length past the batch is reported and stops the walk", () => {
    const m = linkMsg(RTM_NEWLINK, 7, "veth0");
    m.writeUInt32LE(m.length + 100, 0);
    const items = parseNetlink(m);
    assert.equal(items.length, 1);
    assert.equal(items[0].type, "bad");
  });

  test("a link without a name is reported, not attached", () => {
    const m = linkMsg(RTM_NEWLINK, 7, "");
    assert.equal(parseNetlink(m)[0].type, "bad");
  });

  test("fuzz: 100k mutated batches never throw and never hang", () => {
    const seed = Buffer.concat([linkMsg(RTM_NEWLINK, 7, "veth0", { kind: "veth" }), linkMsg(RTM_DELLINK, 9, "x"), done(1)]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.nat(255)), { maxLength: 8 }), fc.nat(seed.length), (flips, cut) => {
        const b = Buffer.from(seed.subarray(0, cut));
        for (const [at, v] of flips) if (at < b.length) b[at] = v;
        const items = parseNetlink(b);
        assert.ok(Array.isArray(items));
      }),
      { numRuns: 100_000 },
    );
  });
});
