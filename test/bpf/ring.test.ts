// A full ring never stalls the datapath: the event is dropped, the drop is
// counted per CPU, and counting goes on.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { EVENT_SIZE, FAMILY_IPV4 } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ipv4Udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { counter } from "./counter.js";

const FRAME = ipv4Udp("10.40.0.1", "10.40.0.2", 5000, 6000, 20);
const RING_BYTES = 4096;
/** Each record takes an 8-byte ring header besides the event. */
const RING_RECORDS = Math.floor(RING_BYTES / (EVENT_SIZE + 8));

describe("Ring buffer overflow", () => {
  test("1,000 packets into a 4 KiB ring at rate 1 without reading: what does not fit is counted as ring drops", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1, ringBufSize: RING_BYTES, wakeupBatch: 1 });
    pr.send(FRAME, { repeat: 1000 });
    const events = pr.drain();
    const { ringDrops } = pr.dp.readCpuState();
    assert.ok(ringDrops > 0, "the ring must have overflowed");
    assert.equal(events.length, RING_RECORDS, "the ring holds what fits and no more");
    assert.equal(ringDrops, 1000 - events.length);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1000, 1000 * FRAME.length)], "counting goes on when events are dropped");
  });

  test("once read, the ring takes events again and the drop count stays", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1, ringBufSize: RING_BYTES });
    pr.send(FRAME, { repeat: 1000 });
    pr.drain();
    const drops = pr.dp.readCpuState().ringDrops;
    assert.equal(pr.run(FRAME, { repeat: 10 }).events.length, 10);
    assert.equal(pr.dp.readCpuState().ringDrops, drops);
  });
});
