// Frames that are not IPv4 or IPv6 are counted under family other and never
// sampled, even at rate 1.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_OTHER } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { arp, eth } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { counter } from "./counter.js";

const OTHERS: [string, Buffer][] = [
  ["ARP", arp()],
  ["LLDP (0x88cc)", eth(0x88cc, Buffer.alloc(46))],
  ["MPLS unicast (0x8847) carrying IPv4", eth(0x8847, Buffer.concat([Buffer.from([0x00, 0x01, 0x01, 0x40]), Buffer.alloc(40, 0x45)]))],
  ["802.3 length field (0x05dc) with LLC", eth(0x05dc, Buffer.from([0x42, 0x42, 0x03, ...new Array<number>(43).fill(0)]))],
  ["bare Ethernet header, unknown ethertype", eth(0x1234, Buffer.alloc(0))],
];

describe("Non-IP frames", () => {
  test("ARP, LLDP, MPLS and 802.3 frames are counted as family other, with no event at rate 1", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1 });
    for (const [what, frame] of OTHERS) {
      assert.deepEqual(pr.run(frame, { repeat: 3 }).events, [], what);
    }
    const bytes = OTHERS.reduce((n, [, f]) => n + 3 * f.length, 0);
    assert.deepEqual(pr.counters(), [counter(FAMILY_OTHER, 3 * OTHERS.length, bytes)]);
  });
});
