// Prefix text for the control plane and tests: both families, host bits
// allowed and ignored, anything malformed refused.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { formatKey, parsePrefix, prefixKey } from "../../src/rib/prefix.js";

function roundTrip(text: string): string {
  const key = new Uint32Array(4);
  const family = prefixKey(parsePrefix(text), key);
  assert.notEqual(family, 0, text);
  return formatKey(family as 4 | 6, key, 0, parsePrefix(text).length);
}

describe("RIB prefixes", () => {
  test("IPv4 and IPv6 prefixes read and print back with their host bits cleared", () => {
    assert.equal(roundTrip("192.0.2.0/24"), "192.0.2.0/24");
    assert.equal(roundTrip("192.0.2.77/24"), "192.0.2.0/24");
    assert.equal(roundTrip("10.1.2.3/32"), "10.1.2.3/32");
    assert.equal(roundTrip("0.0.0.0/0"), "0.0.0.0/0");
    assert.equal(roundTrip("2001:db8:1:2::ff/48"), "2001:db8:1::/48");
    assert.equal(roundTrip("2001:db8::1/128"), "2001:db8::1/128");
    assert.equal(roundTrip("::/0"), "::/0");
  });

  test("an IPv4 prefix length counts IPv4 bits", () => {
    assert.deepEqual(parsePrefix("10.0.0.0/8").length, 8);
    assert.throws(() => parsePrefix("10.0.0.0/33"));
    assert.equal(parsePrefix("::/128").length, 128);
    assert.throws(() => parsePrefix("::/129"));
  });

  test("malformed text is refused", () => {
    for (const bad of ["10.0.0.0", "10.0.0.0/", "10.0.0.0/x", "10.0.0/8", "10.0.0.0/08a", "/8", "2001:db8::/-1"]) {
      assert.throws(() => parsePrefix(bad), /not a prefix|not an IP address|out of range/, bad);
    }
  });
});
