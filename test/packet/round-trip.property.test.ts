// Property: any frame the builder writes (tags, labels, IPv4 with options or
// IPv6 with extension headers, any transport) dissects back to the values it
// was built from; and any prefix of it dissects without reading past its end.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { formatIpv4, formatIpv6 } from "../../src/ipfix/address-text.js";
import { dissectFrame, emptyLayers, encodeFrame, LINKTYPE_ETHERNET, type FrameSpec, type Ipv6ExtensionSpec, type TransportSpec } from "../../src/packet/index.js";

const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b, 0));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b, 0));
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":"));

const transport: fc.Arbitrary<TransportSpec> = fc.oneof(
  fc.record({ protocol: fc.constant("tcp" as const), srcPort: u(16), dstPort: u(16), flags: u(12), options: fc.integer({ min: 0, max: 10 }).map((n) => n * 4) }),
  fc.record({ protocol: fc.constant("udp" as const), srcPort: u(16), dstPort: u(16) }),
  fc.record({ protocol: fc.constant("sctp" as const), srcPort: u(16), dstPort: u(16) }),
  fc.record({ protocol: fc.constantFrom("icmp" as const), type: u(8), code: u(8) }),
  fc.record({ protocol: fc.constantFrom("icmpv6" as const), type: u(8), code: u(8) }),
);
const extension: fc.Arbitrary<Ipv6ExtensionSpec> = fc.oneof(
  fc.record({ type: fc.constantFrom(0 as const, 43 as const, 60 as const), length: fc.integer({ min: 1, max: 4 }).map((n) => n * 8) }),
  fc.record({ type: fc.constant(51 as const), length: fc.integer({ min: 3, max: 8 }).map((n) => n * 4) }),
  fc.record({ type: fc.constant(44 as const), offset: fc.constant(0), more: fc.boolean(), id: u(32) }),
);
const ip = fc.oneof(
  fc.record({
    version: fc.constant(4 as const), src: ipv4, dst: ipv4, tos: u(8), ttl: u(8), id: u(16), dontFragment: fc.boolean(), moreFragments: fc.boolean(),
    options: fc.integer({ min: 0, max: 10 }).map((n) => new Uint8Array(n * 4).fill(1)),
  }),
  fc.record({ version: fc.constant(6 as const), src: ipv6, dst: ipv6, trafficClass: u(8), flowLabel: u(20), hopLimit: u(8), extensions: fc.array(extension, { maxLength: 4 }) }),
);
const frame: fc.Arbitrary<FrameSpec> = fc.record({
  dstMac: mac,
  srcMac: mac,
  vlans: fc.array(fc.tuple(fc.constantFrom(0x8100, 0x88a8, 0x9100), u(16)).map(([tpid, tci]) => tpid * 65536 + tci), { maxLength: 4 }),
  mpls: fc.array(u(32), { maxLength: 5 }).map((entries) => entries.map((e, i, all) => (i === all.length - 1 ? e | 0x100 : e & ~0x100) >>> 0)),
  ip,
  transport,
  payload: fc.integer({ min: 0, max: 64 }),
});

const text = (b: Uint8Array, at: number, version: number) => (version === 4 ? formatIpv4(b, at) : formatIpv6(b, at));

test("every frame the builder writes dissects back to what it was built from", () => {
  fc.assert(
    fc.property(frame, (spec) => {
      const bytes = encodeFrame(spec);
      const l = dissectFrame(bytes, LINKTYPE_ETHERNET);
      const ipSpec = spec.ip!;
      const t = spec.transport!;
      assert.equal(l.stop, "complete");
      assert.deepEqual(l.vlans, spec.vlans);
      assert.deepEqual(l.mpls, spec.mpls);
      assert.equal(l.ipVersion, ipSpec.version);
      assert.deepEqual([text(bytes, l.srcAddrOffset, l.ipVersion), text(bytes, l.dstAddrOffset, l.ipVersion)], [ipSpec.src, ipSpec.dst]);
      if (ipSpec.version === 4) {
        assert.deepEqual([l.tos, l.ttl, l.fragmentId, l.dontFragment, l.moreFragments, l.ipHeaderLength], [ipSpec.tos, ipSpec.ttl, ipSpec.id, ipSpec.dontFragment, ipSpec.moreFragments, 20 + ipSpec.options!.length]);
      } else {
        assert.deepEqual([l.tos, l.flowLabel, l.ttl, l.extensionHeaders], [ipSpec.trafficClass, ipSpec.flowLabel, ipSpec.hopLimit, ipSpec.extensions!.map((e) => e.type)]);
      }
      assert.equal(l.ipTotalLength, bytes.length - l.ipOffset);
      if (t.protocol === "icmp" || t.protocol === "icmpv6") {
        assert.deepEqual([l.icmpType, l.icmpCode, l.stopOffset], [t.type, t.code, l.l4Offset + 8]);
      } else {
        assert.deepEqual([l.srcPort, l.dstPort], [t.srcPort, t.dstPort]);
        if (t.protocol === "tcp") assert.deepEqual([l.tcpFlags, l.stopOffset], [t.flags, l.l4Offset + 20 + t.options!]);
      }
      assert.equal(bytes.length - l.stopOffset, spec.payload);
    }),
    { numRuns: 1000 },
  );
});

test("any prefix of a frame, or any bytes at all, dissect without an offset past the end", () => {
  const out = emptyLayers();
  fc.assert(
    fc.property(fc.oneof(frame.map(encodeFrame), fc.uint8Array({ maxLength: 200 })), fc.nat(), fc.constantFrom(1, 101, 113, 228, 229, 276), (bytes, cut, link) => {
      const b = bytes.subarray(0, cut % (bytes.length + 1));
      const l = dissectFrame(b, link, out);
      for (const o of [l.stopOffset, l.ipOffset, l.l4Offset, l.srcAddrOffset]) assert.ok(o <= b.length, `offset ${o} of ${b.length}`);
      if (l.ipVersion) assert.ok(l.dstAddrOffset + (l.ipVersion === 4 ? 4 : 16) <= b.length);
    }),
    { numRuns: 3000 },
  );
});
