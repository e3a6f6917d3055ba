import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { DecodeCache } from "../../src/enrich/decode-cache.js";

describe("DecodeCache: decoded records by offset, bounded", () => {
  test("returns what was stored under a key", () => {
    const cache = new DecodeCache(4);
    const record = { autonomous_system_number: 64500 };
    cache.set(1024, record);
    assert.equal(cache.get(1024), record);
    assert.equal(cache.get(2048), undefined);
  });
  test("empties itself instead of growing past its capacity", () => {
    const cache = new DecodeCache(2);
    cache.set(1, "a");
    cache.set(2, "b");
    cache.set(3, "c");
    assert.equal(cache.size, 1);
    assert.equal(cache.get(1), undefined);
    assert.equal(cache.get(3), "c");
  });
});
