// Route distinguishers (RFC 4364 section 4.2) between their 8 octets, as BMP
// peer headers carry them, and the one text form each has in the config and
// in `rfm rib`.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { formatRouteDistinguisher, parseRouteDistinguisher } from "../../src/bmp/route-distinguisher.js";
import { basics, perPeer, prefixes, routeMonitoring, update } from "./builders.js";
import { decode, messageOf } from "./decode.js";

/** The 8 octets as the unsigned 64-bit number the per-peer header decoder reads. */
function octets(...bytes: number[]): bigint {
  assert.equal(bytes.length, 8);
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

/** A Route Monitoring message from a peer of the given type and distinguisher octets. */
function monitoredBy(type: number, distinguisher: bigint): Uint8Array {
  return routeMonitoring(perPeer({ type, distinguisher }), update({ attributes: basics(), nlri: prefixes("198.51.100.0/29") }));
}

describe("route distinguisher text forms", () => {
  const forms: [string, string, bigint][] = [
    ["the global instance (all zero)", "0", octets(0, 0, 0, 0, 0, 0, 0, 0)],
    ["type 0: 2-octet AS number : 4-octet number", "65500:108", octets(0, 0, 0xff, 0xdc, 0, 0, 0, 108)],
    ["type 0 with the largest number", "65535:4294967295", octets(0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
    ["type 1: IPv4 address : 2-octet number", "192.0.2.1:7", octets(0, 1, 192, 0, 2, 1, 0, 7)],
    ["type 2: 4-octet AS number : 2-octet number", "4200000000:7", octets(0, 2, 0xfa, 0x56, 0xea, 0x00, 0, 7)],
    ["type 2 with the smallest 4-octet AS number", "65536:65535", octets(0, 2, 0, 1, 0, 0, 0xff, 0xff)],
  ];
  for (const [what, text, value] of forms) {
    test(`${what}: "${text}"`, () => {
      assert.equal(parseRouteDistinguisher(text), value);
      assert.equal(formatRouteDistinguisher(value), text);
    });
  }

  test("what no form says unambiguously is 0x and the 16 hex digits", () => {
    // Type 2 with an AS number below 65536 would read back as type 0.
    assert.equal(formatRouteDistinguisher(octets(0, 2, 0, 0, 0xff, 0xdc, 0, 7)), "0x00020000ffdc0007");
    // Another type, or a Loc-RIB instance's locally defined value (RFC 9069).
    assert.equal(formatRouteDistinguisher(octets(0, 3, 0, 0, 0, 0, 0, 1)), "0x0003000000000001");
    assert.equal(formatRouteDistinguisher(octets(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), "0xffffffffffffffff");
    assert.equal(parseRouteDistinguisher("0x00020000FFDC0007"), octets(0, 2, 0, 0, 0xff, 0xdc, 0, 7));
  });

  test("a negative 64-bit value is read as unsigned", () => {
    assert.equal(formatRouteDistinguisher(-1n), "0xffffffffffffffff");
  });

  test("other spellings of a value parse to it, and print in its one form", () => {
    assert.equal(formatRouteDistinguisher(parseRouteDistinguisher("0:0")), "0");
    assert.equal(formatRouteDistinguisher(parseRouteDistinguisher("0x0000ffdc0000006c")), "65500:108");
  });

  test("every 64-bit value prints in a form that parses back to it", () => {
    fc.assert(
      // Mostly types 0 to 2, whose values have colon forms.
      fc.property(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff })), fc.bigInt({ min: 0n, max: 2n ** 48n - 1n }), (type, value) => {
        const d = (BigInt(type) << 48n) | value;
        assert.equal(parseRouteDistinguisher(formatRouteDistinguisher(d)), d);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("route distinguisher text that is refused, saying why", () => {
  const refused: [string, string][] = [
    ["", '"" is not a route distinguisher: write "0" (the global instance), AS:NUMBER ("65500:108"), IPV4:NUMBER ("192.0.2.1:7") or 0x and 16 hex digits'],
    ["1", '"1" is not a route distinguisher'],
    ["65500", '"65500" is not a route distinguisher'],
    ["65500:", '"65500:" is not a route distinguisher'],
    [":108", '":108" is not a route distinguisher'],
    ["65500:-1", '"65500:-1" is not a route distinguisher'],
    ["AS65500:108", '"AS65500:108" is not a route distinguisher'],
    ["2001:db8::1:7", '"2001:db8::1:7" is not a route distinguisher'],
    ["192.0.2:7", '"192.0.2:7" is not a route distinguisher'],
    ["0x1234", '"0x1234" is not a route distinguisher'],
    ["65500:4294967296", '"65500:4294967296": the number after a 2-octet AS number must be at most 4294967295'],
    ["4200000000:65536", '"4200000000:65536": the number after a 4-octet AS number (above 65535) must be at most 65535'],
    ["4294967296:1", '"4294967296:1": the AS number must be at most 4294967295'],
    ["192.0.2.1:65536", '"192.0.2.1:65536": the number after an IPv4 address must be at most 65535'],
  ];
  for (const [text, message] of refused) {
    test(JSON.stringify(text), () => {
      assert.throws(() => parseRouteDistinguisher(text), (e: Error) => e.message.startsWith(message));
    });
  }
});

describe("the peer distinguisher of a BMP per-peer header", () => {
  test("an RD instance peer (type 1) carries its VRF's route distinguisher", () => {
    const m = messageOf(decode(monitoredBy(1, octets(0, 0, 0xff, 0xdc, 0, 0, 0, 108))), "route_monitoring");
    assert.equal(formatRouteDistinguisher(m.peer.distinguisher), "65500:108");
  });

  test("a VRF's Loc-RIB (type 3) carries its route distinguisher too", () => {
    const m = messageOf(decode(monitoredBy(3, octets(0, 1, 192, 0, 2, 1, 0, 7))), "route_monitoring");
    assert.equal(formatRouteDistinguisher(m.peer.distinguisher), "192.0.2.1:7");
  });

  test("a global instance peer (type 0) has distinguisher 0", () => {
    const m = messageOf(decode(monitoredBy(0, 0n)), "route_monitoring");
    assert.equal(formatRouteDistinguisher(m.peer.distinguisher), "0");
  });
});
