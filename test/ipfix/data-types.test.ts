// Every RFC 7012 abstract type on the wire (RFC 7011 section 6): what the
// encoder writes, what the decoder gives back, and reduced-size encoding.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { VARIABLE_LENGTH } from "../../src/ipfix/abstract-types.js";
import { enterpriseField, field, type FieldSpec } from "../../src/ipfix/template.js";
import { hex, toHex } from "./hex.js";
import { decodeFresh, recordBytes, roundTripOne } from "./round-trip.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";

const u = (bits: 8 | 16 | 32 | 64, length?: number): FieldSpec => ({ id: 1000 + bits, type: `unsigned${bits}`, length: length ?? bits / 8, enterprise: 1 });
const s = (bits: 8 | 16 | 32 | 64, length?: number): FieldSpec => ({ id: 2000 + bits, type: `signed${bits}`, length: length ?? bits / 8, enterprise: 1 });
const mapped = (a: number, b: number, c: number, d: number) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]);

describe("unsigned integers", () => {
  test("are big-endian at their full size, from their minimum to their maximum", () => {
    assert.equal(toHex(recordBytes([u(8), u(16), u(32), u(64)], [0xab, 0x1234, 0xdeadbeef, 0x0102030405060708n])), "ab1234deadbeef0102030405060708");
    for (const [bits, max] of [
      [8, 255],
      [16, 65535],
      [32, 4294967295],
    ] as const) {
      assert.equal(roundTripOne(u(bits), 0), 0);
      assert.equal(roundTripOne(u(bits), max), max);
    }
  });

  test("unsigned64 decodes as a bigint, and takes numbers up to 2^53 or any bigint below 2^64", () => {
    assert.equal(roundTripOne(u(64), 0), 0n);
    assert.equal(roundTripOne(u(64), Number.MAX_SAFE_INTEGER), 9007199254740991n);
    assert.equal(roundTripOne(u(64), 2n ** 64n - 1n), 18446744073709551615n);
    assert.equal(toHex(recordBytes([u(64)], [2 ** 32 + 5])), "0000000100000005");
  });

  test("values that do not fit, negatives, fractions and unsafe numbers are refused", () => {
    assert.throws(() => recordBytes([u(8)], [256]), RangeError);
    assert.throws(() => recordBytes([u(16)], [-1]), RangeError);
    assert.throws(() => recordBytes([u(32)], [1.5]), TypeError);
    assert.throws(() => recordBytes([u(64)], [2 ** 53]), TypeError, "past 2^53 a number is not exact: use a bigint");
    assert.throws(() => recordBytes([u(64)], [2n ** 64n]), RangeError);
    assert.throws(() => recordBytes([u(32)], ["7"]), TypeError);
  });

  test("reduced-size encoding drops leading zero octets, to any smaller size the value fits", () => {
    // RFC 7011 section 6.2: an unsigned64 counter may travel in 1 to 7 octets.
    assert.equal(toHex(recordBytes([field("octetDeltaCount", 4)], [5344385])), "00518c81");
    assert.equal(toHex(recordBytes([field("octetDeltaCount", 3)], [0xabcdef])), "abcdef");
    assert.equal(toHex(recordBytes([field("octetDeltaCount", 7)], [2n ** 56n - 1n])), "ffffffffffffff");
    assert.equal(toHex(recordBytes([u(32, 3)], [0x010203])), "010203");
    for (let len = 1; len <= 8; len++) {
      const max = 2n ** BigInt(8 * len) - 1n;
      assert.equal(roundTripOne(field("packetDeltaCount", len), max), max, `${len} octets`);
      if (len < 8) assert.throws(() => recordBytes([field("packetDeltaCount", len)], [max + 1n]), RangeError, `${len} octets: one past`);
    }
    assert.equal(roundTripOne(u(32, 1), 200), 200, "an unsigned32 in one octet is still a number");
    assert.equal(roundTripOne(u(16, 1), 7), 7);
  });
});

describe("signed integers", () => {
  test("are two's complement, from their minimum to their maximum", () => {
    assert.equal(toHex(recordBytes([s(8), s(16), s(32), s(64)], [-1, -2, -3, -4n])), "fffffefffffffdfffffffffffffffc");
    for (const bits of [8, 16, 32] as const) {
      const half = 2 ** (bits - 1);
      assert.equal(roundTripOne(s(bits), -half), -half);
      assert.equal(roundTripOne(s(bits), half - 1), half - 1);
      assert.throws(() => recordBytes([s(bits)], [half]), RangeError);
      assert.throws(() => recordBytes([s(bits)], [-half - 1]), RangeError);
    }
    assert.equal(roundTripOne(s(64), -(2n ** 63n)), -(2n ** 63n));
    assert.equal(roundTripOne(s(64), 2n ** 63n - 1n), 2n ** 63n - 1n);
    assert.equal(roundTripOne(s(64), -Number.MAX_SAFE_INTEGER), -9007199254740991n, "a number decodes as a bigint");
  });

  test("reduced-size encoding keeps the sign: leading 0xff octets go for negatives", () => {
    assert.equal(toHex(recordBytes([s(64, 2)], [-2])), "fffe");
    assert.equal(toHex(recordBytes([s(32, 3)], [-8388608])), "800000");
    for (let len = 1; len <= 8; len++) {
      const half = 2n ** BigInt(8 * len - 1);
      assert.equal(roundTripOne(s(64, len), -half), -half, `${len} octets, minimum`);
      assert.equal(roundTripOne(s(64, len), half - 1n), half - 1n, `${len} octets, maximum`);
      if (len < 8) assert.throws(() => recordBytes([s(64, len)], [half]), RangeError);
    }
    assert.equal(roundTripOne(s(64, 6), -(2 ** 47)), -(2n ** 47n), "numbers work past 32 bits");
    assert.equal(roundTripOne(s(16, 1), -128), -128);
  });
});

describe("floats", () => {
  test("float32 and float64 are IEEE 754 big-endian", () => {
    const f32: FieldSpec = { id: 1, enterprise: 1, type: "float32", length: 4 };
    assert.equal(toHex(recordBytes([f32, field("samplingProbability")], [1.5, 0.1])), "3fc000003fb999999999999a");
    assert.equal(roundTripOne(f32, 0.1), Math.fround(0.1));
    assert.equal(roundTripOne(field("samplingProbability"), 0.1), 0.1);
    assert.ok(Number.isNaN(roundTripOne(field("samplingProbability"), NaN)));
    assert.equal(roundTripOne(field("samplingProbability"), -Infinity), -Infinity);
    assert.ok(Object.is(roundTripOne(field("samplingProbability"), -0), -0));
  });

  test("a float64 may travel as a float32, losing precision but not scale", () => {
    assert.equal(toHex(recordBytes([field("samplingProbability", 4)], [1.5])), "3fc00000");
    assert.equal(roundTripOne(field("samplingProbability", 4), 0.001), Math.fround(0.001));
    assert.throws(() => recordBytes([field("samplingProbability", 2)], [1]), RangeError);
  });
});

describe("booleans, addresses", () => {
  const bool: FieldSpec = { id: 3, enterprise: 1, type: "boolean", length: 1 };

  test("boolean is one octet: 1 for true, 2 for false", () => {
    assert.equal(toHex(recordBytes([bool, bool], [true, false])), "0102");
    assert.equal(roundTripOne(bool, true), true);
    assert.equal(roundTripOne(bool, false), false);
    assert.throws(() => recordBytes([bool], [1]), TypeError);
  });

  test("macAddress is six octets, given as text or bytes, decoded as lower-case text", () => {
    const mac = field("sourceMacAddress");
    assert.equal(toHex(recordBytes([mac], ["00:1B:21:aa:bb:0c"])), "001b21aabb0c");
    assert.equal(roundTripOne(mac, "00-1b-21-AA-BB-0C"), "00:1b:21:aa:bb:0c");
    assert.equal(roundTripOne(mac, Uint8Array.from([1, 2, 3, 4, 5, 6])), "01:02:03:04:05:06");
    assert.throws(() => recordBytes([mac], ["00:1b:21:aa:bb"]), TypeError);
  });

  test("ipv4Address is four octets, given as text, a 32-bit number, 4 bytes or the 16-byte mapped form", () => {
    const a = field("sourceIPv4Address");
    assert.equal(toHex(recordBytes([a, a, a, a], ["192.0.2.1", 0xc0000202, Uint8Array.from([192, 0, 2, 3]), mapped(192, 0, 2, 4)])), "c0000201c0000202c0000203c0000204");
    assert.equal(roundTripOne(a, "255.255.255.255"), "255.255.255.255");
    assert.equal(roundTripOne(a, mapped(10, 0, 0, 1)), "10.0.0.1");
    assert.throws(() => recordBytes([a], [new Uint8Array(16)]), TypeError, "16 bytes that are not IPv4-mapped");
    assert.throws(() => recordBytes([a], ["192.0.2.256"]), TypeError);
    assert.throws(() => recordBytes([a], ["2001:db8::1"]), TypeError);
  });

  test("ipv6Address is sixteen octets, decoded as RFC 5952 text", () => {
    const a = field("sourceIPv6Address");
    assert.equal(toHex(recordBytes([a], ["2001:db8::1"])), "20010db8000000000000000000000001");
    assert.equal(roundTripOne(a, "2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    assert.equal(roundTripOne(a, "::"), "::");
    assert.equal(roundTripOne(a, mapped(192, 0, 2, 1)), "::ffff:192.0.2.1", "a mapped address stays an IPv6 address");
    assert.throws(() => recordBytes([a], ["192.0.2.1"]), TypeError);
  });
});

describe("strings and octet arrays", () => {
  test("variable length: one length octet below 255, else 255 and a 16-bit length (RFC 7011 section 7)", () => {
    const name = field("interfaceName");
    assert.equal(name.length, VARIABLE_LENGTH);
    assert.equal(toHex(recordBytes([name], ["eth0"])), "0465746830");
    assert.equal(toHex(recordBytes([name], [""])), "00");
    const long = "x".repeat(300);
    assert.equal(toHex(recordBytes([name], [long]).subarray(0, 3)), "ff012c");
    assert.equal(roundTripOne(name, long), long);
    assert.equal(toHex(recordBytes([name], ["y".repeat(254)]).subarray(0, 1)), "fe", "254 octets still take one length octet");
    assert.equal(toHex(recordBytes([name], ["y".repeat(255)]).subarray(0, 3)), "ff00ff");
  });

  test("strings are UTF-8", () => {
    assert.equal(toHex(recordBytes([field("interfaceName")], ["é€"])), "05c3a9e282ac");
    assert.equal(roundTripOne(field("interfaceName"), "naïve 🚀"), "naïve 🚀");
  });

  test("a fixed-length string is NUL-padded, and loses the padding when decoded", () => {
    const name = field("interfaceName", 8);
    assert.equal(toHex(recordBytes([name], ["eth0"])), "6574683000000000");
    assert.equal(roundTripOne(name, "eth0"), "eth0");
    assert.equal(roundTripOne(name, "12345678"), "12345678");
    assert.throws(() => recordBytes([name], ["123456789"]), RangeError);
  });

  test("octetArray: fixed length takes exactly that many octets; variable length any", () => {
    const fixed = enterpriseField(32473, 1, "octetArray", 3);
    const variable = enterpriseField(32473, 2, "octetArray");
    const bytes = Uint8Array.from([1, 2, 3]);
    assert.equal(toHex(recordBytes([fixed, variable], [bytes, bytes])), "01020303010203");
    assert.deepEqual(roundTripOne(fixed, bytes), bytes);
    assert.deepEqual(roundTripOne(variable, new Uint8Array(0)), new Uint8Array(0));
    assert.deepEqual(roundTripOne(variable, new Uint8Array(1000).fill(7)), new Uint8Array(1000).fill(7));
    assert.throws(() => recordBytes([fixed], [Uint8Array.from([1, 2])]), RangeError);
  });
});

describe("date and time", () => {
  test("dateTimeSeconds is an unsigned32 of seconds since 1970", () => {
    assert.equal(toHex(recordBytes([field("flowStartSeconds")], [0x5f5e1000])), "5f5e1000");
    assert.equal(roundTripOne(field("flowStartSeconds"), 4294967295), 4294967295);
    assert.throws(() => recordBytes([field("flowStartSeconds")], [-1]), TypeError);
  });

  test("dateTimeMilliseconds is an unsigned64 of milliseconds since 1970, fractions floored", () => {
    const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    assert.equal(toHex(recordBytes([field("flowStartMilliseconds")], [ms])), "0000018cc820db2e");
    assert.equal(roundTripOne(field("flowStartMilliseconds"), ms + 0.9), ms);
    assert.equal(roundTripOne(field("flowStartMilliseconds"), 2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  });

  test("dateTimeMicroseconds is an NTP timestamp whose 11 lowest fraction bits are zero", () => {
    // 1970-01-01 is 2,208,988,800 (0x83aa7e80) seconds after the NTP epoch of 1900.
    assert.equal(toHex(recordBytes([field("flowStartMicroseconds")], [0])), "83aa7e8000000000");
    // Half a second is a fraction of 2^31.
    assert.equal(toHex(recordBytes([field("flowStartMicroseconds")], [500_000])), "83aa7e8080000000");
    const us = Date.UTC(2024, 5, 30, 12) * 1000 + 123_457;
    const wire = recordBytes([field("flowStartMicroseconds")], [us]);
    assert.equal(wire[7], 0);
    assert.equal(wire[6] & 0x07, 0);
    for (const t of [us, 0, 999_999, 1_000_001, -1_000_000_000, us + 999_999]) {
      assert.equal(roundTripOne(field("flowStartMicroseconds"), t), t, `${t} µs`);
    }
  });

  test("dateTimeNanoseconds is an NTP timestamp, decoded as bigint nanoseconds", () => {
    assert.equal(toHex(recordBytes([field("flowStartNanoseconds")], [1n])), "83aa7e8000000004", "1 ns is 4.29 units of 2^-32 s");
    const ns = BigInt(Date.UTC(2030, 1, 3)) * 1_000_000n + 999_999_999n;
    for (const t of [ns, 0n, 1n, 999_999_999n, -1n]) assert.equal(roundTripOne(field("flowStartNanoseconds"), t), t, `${t} ns`);
  });

  test("the NTP seconds wrap in 2036: a clear top bit is read as the era after the wrap (RFC 4330)", () => {
    const wrap = 2085978496; // 2036-02-07T06:28:16Z, NTP seconds 2^32
    assert.equal(toHex(recordBytes([field("flowStartMicroseconds")], [wrap * 1e6])), "0000000000000000");
    assert.equal(roundTripOne(field("flowStartMicroseconds"), wrap * 1e6 + 5), wrap * 1e6 + 5);
    assert.equal(roundTripOne(field("flowStartNanoseconds"), BigInt(wrap) * 1_000_000_000n - 1n), BigInt(wrap) * 1_000_000_000n - 1n);
    const first = -61505152; // 1968-01-20T03:14:08Z
    const end = first + 2 ** 32; // 2104-02-26T09:42:24Z
    assert.equal(roundTripOne(field("flowStartMicroseconds"), first * 1e6), first * 1e6);
    assert.equal(roundTripOne(field("flowStartMicroseconds"), end * 1e6 - 1), end * 1e6 - 1);
    assert.throws(() => recordBytes([field("flowStartMicroseconds")], [end * 1e6]), RangeError);
    assert.throws(() => recordBytes([field("flowStartNanoseconds")], [BigInt(first) * 1_000_000_000n - 1n]), RangeError);
  });
});

describe("enterprise-specific elements", () => {
  test("set the E bit on the element ID and follow it with the enterprise number in the template", () => {
    const template = { id: 400, fields: [field("protocolIdentifier"), enterpriseField(32473, 7, "unsigned32")] };
    const message = encodeMessage({ sets: [{ kind: "templates", templates: [template] }] });
    assert.equal(toHex(message.subarray(16)), "0002 0014 0190 0002 0004 0001 8007 0004 00007ed9".replace(/ /g, ""));
    const decoded = decodeFresh(message);
    const set = decoded.sets[0];
    assert.ok(set.kind === "templates");
    assert.deepEqual(set.templates[0].fields[1], { id: 7, enterprise: 32473, length: 4, type: "octetArray" });
  });

  test("decode by the type a lookup gives them, and as octets without one", () => {
    const e = enterpriseField(32473, 7, "unsigned32", 4, "rfmThing");
    assert.equal(toHex(recordBytes([e], [0x01020304])), "01020304");
    assert.equal(roundTripOne(e, 0x01020304), 0x01020304, "typed by the test's lookup");
    const template = { id: 300, fields: [e] };
    const decoded = decodeFresh(encodeMessage({ sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records: [[0x01020304]] }] }));
    const data = decoded.sets[1];
    assert.ok(data.kind === "data");
    assert.deepEqual(data.records, [[hex("01020304")]], "the default lookup only knows IANA elements");
    assert.deepEqual(data.template.fields[0], { id: 7, enterprise: 32473, length: 4, type: "octetArray" });
  });
});
