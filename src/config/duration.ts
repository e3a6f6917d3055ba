// Durations in Go's time.ParseDuration syntax ("300ms", "1h30m", "1.5h"), so
// configs read like the Go agents operators already know.

const UNITS = "ns, us (or µs), ms, s, m, h";

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n], // MICRO SIGN, what Go prints
  ["\u03bcs", 1_000n], // GREEK SMALL LETTER MU, what people often type
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

// Go stores durations as int64 nanoseconds; refuse what Go would refuse.
const MAX_NANOS = 2n ** 63n - 1n;

// One "<number><unit>" component; the unit is everything up to the next number.
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/**
 * Parses a Go duration string into milliseconds (fractional for sub-millisecond
 * values: "300us" is 0.3). Throws an Error naming the input and what is wrong.
 */
export function parseDuration(s: string): number {
  const fail = (why: string): Error => new Error(`invalid duration ${JSON.stringify(s)}: ${why}`);
  let rest = s;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw fail(`expected a number followed by a unit, e.g. "30s"`);

  // BigInt nanoseconds keep sums such as "1h0.000001ms" exact, as in Go.
  let total = 0n;
  while (rest !== "") {
    const [whole = "", int = "", frac = "", unit = ""] = COMPONENT.exec(rest) ?? [];
    if (int === "" && frac === "") {
      throw fail(`expected a number followed by a unit, e.g. "30s"`);
    }
    if (unit === "") throw fail(`missing unit after ${JSON.stringify(whole)} (units: ${UNITS})`);
    const scale = NANOS_PER_UNIT.get(unit);
    if (scale === undefined) throw fail(`unknown unit ${JSON.stringify(unit)} (units: ${UNITS})`);
    total += BigInt(int || "0") * scale;
    if (frac !== "") total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    if (total > MAX_NANOS) throw fail("out of range (the limit is about 292 years)");
    rest = rest.slice(whole.length);
  }
  // Whole and fractional milliseconds separately: total itself may exceed 2^53.
  const magnitude = Number(total / 1_000_000n) + Number(total % 1_000_000n) / 1e6;
  if (magnitude === 0) return 0; // "-0s" is zero, not -0
  return negative ? -magnitude : magnitude;
}

const WHOLE_MS_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** Formats milliseconds with the largest unit that divides them evenly ("1s", "90m", "300us"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (Number.isInteger(ms)) {
    for (const [unit, size] of WHOLE_MS_UNITS) {
      if (ms % size === 0) return `${ms / size}${unit}`;
    }
  }
  // Sub-millisecond parts: count whole nanoseconds to avoid 0.3 / 0.001 = 299.99...
  const ns = Math.round(ms * 1e6);
  return ns % 1000 === 0 ? `${ns / 1000}us` : `${ns}ns`;
}
