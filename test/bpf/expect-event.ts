// What an event must hold, written the way a reader thinks of it (addresses
// as text, defaults for the common case), compared field by field.
import * as assert from "node:assert/strict";
import type { FlowEvent } from "../../src/bpf/event.js";
import { DIR_EGRESS, DIR_INGRESS, FAMILY_IPV4, FAMILY_IPV6 } from "../../src/bpf/layout.js";
import { addr16 } from "./frames.js";
import type { Run } from "./prog-run.js";

export interface Expected {
  proto: number;
  /** "10.0.0.1" (carried as ::ffff:10.0.0.1) or an IPv6 address. */
  src: string;
  dst: string;
  /** Wire bytes of the packet(s), L2 included. */
  len: number;
  sport?: number;
  dport?: number;
  /** Default 14: Ethernet without tags. */
  l2Len?: number;
  flags?: number;
  /** Default 1. */
  segs?: number;
  /** Default 1: loopback, where test-run packets arrive. */
  ifindex?: number;
  dir?: "ingress" | "egress";
  /** Default 1. */
  sampleRate?: number;
}

export type EventFields = Omit<FlowEvent, "tstampNs">;

export function fields(e: Expected): EventFields {
  return {
    ifindex: e.ifindex ?? 1,
    dir: e.dir === "egress" ? DIR_EGRESS : DIR_INGRESS,
    proto: e.proto,
    segs: e.segs ?? 1,
    src: addr16(e.src),
    dst: addr16(e.dst),
    sport: e.sport ?? 0,
    dport: e.dport ?? 0,
    len: e.len,
    l2Len: e.l2Len ?? 14,
    family: e.src.includes(":") ? FAMILY_IPV6 : FAMILY_IPV4,
    flags: e.flags ?? 0,
    sampleRate: e.sampleRate ?? 1,
  };
}

function withoutTstamp(ev: FlowEvent): EventFields {
  const { tstampNs: _t, ...rest } = ev;
  return rest;
}

/** Exactly these events, in order, each stamped with the boot clock during the run. */
export function expectEvents(run: Run, expected: Expected[]): void {
  assert.deepEqual(run.events.map(withoutTstamp), expected.map(fields));
  for (const ev of run.events) {
    assert.ok(
      ev.tstampNs >= run.bootBeforeNs && ev.tstampNs <= run.bootAfterNs,
      `tstamp ${ev.tstampNs} outside the run's CLOCK_BOOTTIME window [${run.bootBeforeNs}, ${run.bootAfterNs}]`,
    );
  }
}

export function expectEvent(run: Run, expected: Expected): void {
  expectEvents(run, [expected]);
}
