// The UDP input hands a batch to the pipeline in pieces of bounded payload,
// so what one step builds stays bounded however many records a datagram
// packs (a datagram of 1-octet records holds thousands); order and every
// datagram are kept.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Datagram } from "../../src/collect/datagram.js";
import { pieces } from "../../src/collect/input/udp-listener.js";

const batch = (...lengths: number[]): Datagram[] => lengths.map((n, i) => ({ bytes: new Uint8Array(n), exporter: "192.0.2.1", exporterPort: i, receivedMs: 0, receivedNs: 0 }));
const total = (b: Datagram[]) => b.reduce((n, d) => n + d.bytes.length, 0);
const shape = (p: Datagram[][]) => p.map((x) => x.map((d) => d.exporterPort));

test("a batch within the bound goes whole, as it is", () => {
  const b = batch(100, 200, 300);
  const p = pieces(b, total(b), 600);
  assert.equal(p.length, 1);
  assert.equal(p[0], b);
});

test("a larger batch goes in runs of at most the bound, in order; a datagram over it goes alone", () => {
  const b = batch(300, 300, 300, 700, 100, 100, 600);
  assert.deepEqual(shape(pieces(b, total(b), 600)), [[0, 1], [2], [3], [4, 5], [6]]);
});

test("256 datagrams of 9,000 octets (2.3 million 1-octet records) go in pieces of at most 256 KiB", () => {
  const b = batch(...new Array<number>(256).fill(9000));
  const p = pieces(b, total(b), 256 << 10);
  assert.equal(p.length, 9);
  assert.ok(p.every((x) => total(x) <= 256 << 10));
  assert.deepEqual(p.flat().map((d) => d.exporterPort), b.map((d) => d.exporterPort));
});
