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
  const ms = Number(negative ? -total : total) / 1e6;
  return ms === 0 ? 0 : ms; // "-0s" is zero, not -0
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["h", 3_600_000_000_000],
  ["m", 60_000_000_000],
  ["s", 1_000_000_000],
  ["ms", 1_000_000],
  ["us", 1_000],
];

/** Formats milliseconds with the largest unit that divides them evenly ("1s", "90m"). */
export function formatDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return "0s";
  for (const [unit, size] of FORMAT_UNITS) {
    if (ns % size === 0) return `${ns / size}${unit}`;
  }
  return `${ns}ns`;
}
