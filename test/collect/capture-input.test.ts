// The capture-file input: UDP datagrams out of every link type and IP form
// a flow exporter's capture can hold, fragments joined, and everything else
// counted by reason.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodePcap } from "../../src/pcap/index.js";
import { readCaptureFile } from "../../src/collect/input/capture-file.js";
import { FRAGMENT_OVERHEAD, IpReassembly } from "../../src/collect/input/ip-reassembly.js";
import { udpInFrame } from "../../src/collect/input/udp-in-frame.js";
import type { Datagram } from "../../src/collect/datagram.js";
import { tempDir } from "../harness/temp-dir.js";

const u16 = (n: number) => [n >> 8, n & 0xff];
const udpHeader = (sport: number, dport: number, payload: number[]) => [...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0, ...payload];
function ipv4(payload: number[], o: { id?: number; flags?: number; offset8?: number; proto?: number } = {}): number[] {
  const total = 20 + payload.length;
  return [0x45, 0, ...u16(total), ...u16(o.id ?? 7), ...u16(((o.flags ?? 0) << 13) | (o.offset8 ?? 0)), 64, o.proto ?? 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 2, ...payload];
}
function ipv6(next: number, payload: number[]): number[] {
  const src = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 2];
  return [0x60, 0, 0, 0, ...u16(payload.length), next, 64, ...src, ...dst, ...payload];
}
const ethernet = (etype: number, ip: number[], tags: number[] = []) => [...new Array<number>(12).fill(0xaa), ...tags.flatMap((t) => [...u16(t), 0, 5]), ...u16(etype), ...ip];
const text = (u: ReturnType<typeof udpInFrame>) => (typeof u === "string" ? u : `${u.source}:${u.sourcePort}>${u.destinationPort} ${Buffer.from(u.payload).toString("hex")}`);

describe("UDP datagrams in captured frames", () => {
  const data = udpHeader(4739, 2055, [1, 2, 3]);
  test("Ethernet with no tag, one 802.1Q tag and QinQ; Linux cooked v1 and v2; raw IP", () => {
    const r = new IpReassembly();
    const want = "192.0.2.1:4739>2055 010203";
    assert.equal(text(udpInFrame(1, Uint8Array.from(ethernet(0x0800, ipv4(data))), r)), want);
    assert.equal(text(udpInFrame(1, Uint8Array.from(ethernet(0x0800, ipv4(data), [0x8100])), r)), want);
    assert.equal(text(udpInFrame(1, Uint8Array.from(ethernet(0x0800, ipv4(data), [0x88a8, 0x8100])), r)), want);
    assert.equal(text(udpInFrame(113, Uint8Array.from([0, 0, 0, 1, 0, 6, ...new Array<number>(8).fill(0), 8, 0, ...ipv4(data)]), r)), want);
    assert.equal(text(udpInFrame(276, Uint8Array.from([8, 0, ...new Array<number>(18).fill(0), ...ipv4(data)]), r)), want);
    assert.equal(text(udpInFrame(101, Uint8Array.from(ipv4(data)), r)), want);
  });

  test("IPv6 past hop-by-hop and destination options headers", () => {
    const ext = (next: number) => [next, 0, 1, 4, 0, 0, 0, 0];
    const frame = ethernet(0x86dd, ipv6(0, [...ext(60), ...ext(17), ...data]));
    assert.equal(text(udpInFrame(1, Uint8Array.from(frame), new IpReassembly())), "2001:db8::1:4739>2055 010203");
  });

  test("IPv4 and IPv6 fragments join into one datagram, in any order; a lone fragment waits", () => {
    const big = udpHeader(4739, 2055, Array.from({ length: 40 }, (_, i) => i));
    const r = new IpReassembly();
    const first = ipv4(big.slice(0, 16), { flags: 1 });
    const second = ipv4(big.slice(16), { offset8: 2 });
    assert.equal(udpInFrame(101, Uint8Array.from(second), r), "fragment");
    const whole = udpInFrame(101, Uint8Array.from(first), r);
    assert.equal(text(whole), `192.0.2.1:4739>2055 ${Buffer.from(big.slice(8)).toString("hex")}`);
    const frag = (offset: number, more: boolean, part: number[]) => ipv6(44, [17, 0, ...u16(offset | (more ? 1 : 0)), 0, 0, 0, 9, ...part]);
    assert.equal(udpInFrame(101, Uint8Array.from(frag(0, true, big.slice(0, 24))), r), "fragment");
    assert.equal(text(udpInFrame(101, Uint8Array.from(frag(24, false, big.slice(24))), r)), `2001:db8::1:4739>2055 ${Buffer.from(big.slice(8)).toString("hex")}`);
    assert.equal(r.stats.reassembled, 2);
    assert.equal(r.pending, 0);
  });

  test("overlapping fragments are dropped and counted; the cap on waiting datagrams evicts the oldest", () => {
    const r = new IpReassembly(2);
    assert.equal(r.add("a", 0, true, new Uint8Array(16)), undefined);
    assert.equal(r.add("a", 8, false, new Uint8Array(16)), undefined);
    assert.equal(r.stats.bad, 1);
    for (const k of ["x", "y", "z"]) r.add(k, 0, true, new Uint8Array(8));
    assert.equal(r.pending, 2);
    assert.equal(r.stats.evicted, 1);
  });

  test("fragments held are capped in octets (with what each costs to keep) and per datagram; empty middle fragments are bad", () => {
    const r = new IpReassembly(1024, 4 * (1000 + FRAGMENT_OVERHEAD), 3);
    for (const k of ["a", "b", "c", "d", "e"]) r.add(k, 0, true, new Uint8Array(1000));
    assert.deepEqual([r.pending, r.heldOctets, r.stats.evicted], [4, 4 * (1000 + FRAGMENT_OVERHEAD), 1]);
    assert.equal(r.add("b", 1000, false, new Uint8Array(8))?.length, 1008, "b was kept, a went");
    assert.equal(r.add("a", 1000, false, new Uint8Array(8)), undefined);
    for (let i = 1; i <= 4; i++) r.add("f", 8 * i, true, new Uint8Array(8));
    assert.equal(r.stats.bad, 1, "a fourth fragment of f");
    assert.equal(r.add("g", 0, true, new Uint8Array(0)), undefined);
    assert.equal(r.stats.bad, 2);
    assert.ok(r.heldOctets <= r.maxOctets);
  });

  test("what is not UDP over IP says why", () => {
    const r = new IpReassembly();
    assert.equal(udpInFrame(1, Uint8Array.from(ethernet(0x0806, [0, 1])), r), "not_ip");
    assert.equal(udpInFrame(1, Uint8Array.from(ethernet(0x0800, ipv4([1, 2, 3, 4], { proto: 6 }))), r), "not_udp");
    assert.equal(udpInFrame(1, Uint8Array.from(ethernet(0x0800, ipv4(data)).slice(0, 30)), r), "truncated");
    assert.equal(udpInFrame(147, new Uint8Array(40), r), "link_type");
  });
});

describe("capture file input", () => {
  test("every UDP datagram with its frame's capture time to the nanosecond, in order; other frames counted; a cut-short file reported", async (t) => {
    const dir = tempDir("rfm-capture-input-", t);
    const frames = [ethernet(0x0800, ipv4(udpHeader(1000, 2055, [1]))), ethernet(0x0806, [0, 1]), ethernet(0x0800, ipv4(udpHeader(1001, 2055, [2, 2])))];
    const packets = frames.map((f, i) => ({ tsSec: 1_800_000_000 + i, tsNsec: 123_456_789 + i, originalLength: f.length, data: Uint8Array.from(f) }));
    const bytes = encodePcap(packets, { linkType: 1, nanos: true });
    const file = join(dir, "x.pcap");
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    const got: string[] = [];
    const stats = await readCaptureFile(file, {
      pieceOctets: 64, // a piece smaller than the file: records cross piece boundaries
      onDatagrams: (ds: readonly Datagram[]) => {
        for (const d of ds) got.push(`${d.exporter}:${d.exporterPort} ${d.receivedMs}+${d.receivedNs} ${Buffer.from(d.bytes).toString("hex")}`);
      },
    });
    assert.deepEqual(got, ["192.0.2.1:1000 1800000000123+456789 01"]);
    assert.equal(stats.frames, 2);
    assert.equal(stats.skipped.not_ip, 1);
    assert.equal(stats.error?.code, "short_header");
    writeFileSync(file, bytes);
    got.length = 0;
    await readCaptureFile(file, { pieceOctets: 64, onDatagrams: (ds) => void ds.forEach((d) => got.push(`${d.receivedMs}+${d.receivedNs}`)) });
    assert.deepEqual(got, ["1800000000123+456789", "1800000002123+456791"]);
  });
});
