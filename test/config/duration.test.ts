import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { formatDuration, parseDuration } from "../../src/config/index.js";

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3,
  "\u03bcs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

describe("parseDuration: Go time.ParseDuration syntax, in milliseconds", () => {
  const valid: Array<[string, number]> = [
    ["0", 0],
    ["+0", 0],
    ["-0", 0],
    ["0s", 0],
    ["300ms", 300],
    ["300us", 0.3],
    ["300\u00b5s", 0.3],
    ["300\u03bcs", 0.3],
    ["1500ns", 0.0015],
    ["30s", 30_000],
    ["1.5h", 5_400_000],
    ["1h30m", 5_400_000],
    ["2m3s", 123_000],
    ["1h2m3s4ms", 3_723_004],
    [".5s", 500],
    ["1.s", 1000],
    ["+5s", 5000],
    ["-5s", -5000],
    ["1.0000000001s", 1000], // beyond nanosecond precision is truncated, as in Go
  ];
  for (const [input, ms] of valid) {
    test(`"${input}" is ${ms} ms`, () => {
      assert.equal(parseDuration(input), ms);
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ["", /expected a number followed by a unit/],
    ["-", /expected a number followed by a unit/],
    ["s", /expected a number followed by a unit/],
    [".s", /expected a number followed by a unit/],
    ["30", /missing unit after "30"/],
    ["1h30", /missing unit after "30"/],
    ["5d", /unknown unit "d"/],
    ["5 s", /unknown unit " s"/],
    ["5S", /unknown unit "S"/],
    ["1e3s", /unknown unit "e"/],
    [" 5s", /expected a number followed by a unit/],
    ["1.2.3s", /missing unit after "1.2"/],
    ["3000000h", /out of range/],
  ];
  for (const [input, reason] of invalid) {
    test(`"${input}" is rejected`, () => {
      assert.throws(() => parseDuration(input), (err: Error) => {
        assert.ok(err.message.startsWith(`invalid duration ${JSON.stringify(input)}: `), err.message);
        assert.match(err.message, reason);
        return true;
      });
    });
  }

  test("any sequence of whole numbers with units is the sum of number × unit", () => {
    const component = fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(...Object.keys(UNIT_MS)));
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(([n, unit]) => `${n}${unit}`).join("");
        const expected = parts.reduce((sum, [n, unit]) => sum + n * (UNIT_MS[unit] ?? NaN), 0);
        return close(parseDuration(text), expected);
      }),
    );
  });

  test("a decimal number with a unit is that fraction of the unit, and a sign negates", () => {
    const units = ["ms", "s", "m", "h"];
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom(...units), fc.boolean(), (whole, thousandths, unit, negative) => {
        const fraction = String(thousandths).padStart(3, "0");
        const magnitude = (whole + thousandths / 1000) * (UNIT_MS[unit] ?? NaN);
        const parsed = parseDuration(`${negative ? "-" : ""}${whole}.${fraction}${unit}`);
        return close(parsed, negative ? -magnitude : magnitude);
      }),
    );
  });
});

describe("formatDuration", () => {
  test("uses the largest unit that divides the value", () => {
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(1000), "1s");
    assert.equal(formatDuration(90 * 60_000), "90m");
    assert.equal(formatDuration(7_200_000), "2h");
    assert.equal(formatDuration(1500), "1500ms");
    assert.equal(formatDuration(0.3), "300us");
  });

  test("parses back to the same value", () => {
    fc.assert(fc.property(fc.nat({ max: 10 ** 12 }), (ms) => parseDuration(formatDuration(ms)) === ms));
  });
});
