// A freshly loaded datapath driven by BPF_PROG_TEST_RUN: run a frame through
// the ingress or egress program, then read the events it put on the ring and
// the interface counters it moved. Each test opens its own, so counters start
// empty and every counter a test sees is one it caused.
import type { TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { Datapath, type IfaceCounter } from "../../src/bpf/datapath.js";
import { loadAddon, type RingHandle } from "../../src/bpf/addon.js";
import { decodeEvent, type FlowEvent } from "../../src/bpf/event.js";
import { EVENT_SIZE } from "../../src/bpf/layout.js";
import { skbCtx, type SkbCtxFields } from "./skb-ctx.js";

/** TC_ACT_UNSPEC, TCX_NEXT for TCX: the program hands every packet on. */
export const RFM_NEXT = -1;

export interface ProgRunOptions {
  sampleRate?: number;
  ifaceStatsSize?: number;
  wakeupBatch?: number;
  ringBufSize?: number;
  /** Size of the per-ifindex slot array (1: every real interface uses the hash). */
  ifaceSlots?: number;
  /** CLOCK_BOOTTIME read per event (default here, so timestamps fall inside each run's window) or per tick. */
  preciseClock?: boolean;
}

export interface RunOptions extends SkbCtxFields {
  dir?: "ingress" | "egress";
  repeat?: number;
}

/** Events of one run and the boot-clock window the run happened in. */
export interface Run {
  events: FlowEvent[];
  bootBeforeNs: bigint;
  bootAfterNs: bigint;
}

export class ProgRun {
  readonly dp: Datapath;
  private readonly addon = loadAddon();
  private ring: RingHandle | undefined;
  private received: FlowEvent[] = [];

  private constructor(o: ProgRunOptions) {
    this.dp = Datapath.open({
      ringBufSize: o.ringBufSize ?? 1 << 20,
      ifaceStatsSize: o.ifaceStatsSize ?? 64,
      sampleRate: o.sampleRate ?? 1,
      wakeupBatch: o.wakeupBatch ?? 64,
      ...(o.ifaceSlots ? { ifaceSlots: o.ifaceSlots } : {}),
      preciseClock: o.preciseClock ?? true,
    });
    this.ring = this.addon.ringOpen(this.dp.eventsFd, EVENT_SIZE, 256, (batch, count, errno) => {
      assert.equal(errno, 0, "ring consumer error");
      // The addon reuses `batch`: copy each record before decoding it.
      for (let i = 0; i < count; i++) {
        this.received.push(decodeEvent(Uint8Array.from(batch.subarray(i * EVENT_SIZE, (i + 1) * EVENT_SIZE))));
      }
    });
  }

  /** Loads the object; it is unloaded when the test ends. */
  static open(t: TestContext, o: ProgRunOptions = {}): ProgRun {
    const r = new ProgRun(o);
    t.after(() => r.close());
    return r;
  }

  /** Runs the frame `repeat` times and returns the events it produced. */
  run(frame: Uint8Array, o: RunOptions = {}): Run {
    this.drain();
    const bootBeforeNs = this.addon.bootTimeNs();
    this.send(frame, o);
    const bootAfterNs = this.addon.bootTimeNs();
    return { events: this.drain(), bootBeforeNs, bootAfterNs };
  }

  /** Runs the frame without reading the ring; asserts the program's verdict. */
  send(frame: Uint8Array, o: RunOptions = {}): void {
    const fd = o.dir === "egress" ? this.dp.egressFd : this.dp.ingressFd;
    const r = this.addon.testRun(fd, frame, o.repeat ?? 1, skbCtx(o));
    assert.equal(r.retval, RFM_NEXT, "the program must hand the packet on (TC_ACT_UNSPEC / TCX_NEXT)");
  }

  /** Every event received since the last drain. */
  drain(): FlowEvent[] {
    if (this.ring) this.addon.ringDrain(this.ring);
    const out = this.received;
    this.received = [];
    return out;
  }

  /** Interface counters, in a stable order (ifindex, direction, family). */
  counters(): IfaceCounter[] {
    return this.dp
      .readIfaceCounters()
      .sort((a, b) => a.ifindex - b.ifindex || a.dir - b.dir || a.family - b.family);
  }

  close(): void {
    if (this.ring) this.addon.ringClose(this.ring);
    this.ring = undefined;
    this.dp.close();
  }
}
