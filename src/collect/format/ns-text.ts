// Unix nanoseconds from a record's times without going through a float
// that cannot hold them (2^53 ns is only 104 days): a time is whole
// milliseconds plus the nanoseconds within them, either given (a capture's
// exact receive time) or from the fraction of the milliseconds. Every
// format splits a time this way, then prints or packs the two parts.

/** Whole milliseconds and the nanoseconds within them (0..999,999): one reused object, read before the next call. */
export interface NsParts {
  ms: number;
  ns: number;
}

const parts: NsParts = { ms: 0, ns: 0 };

export function splitNs(ms: number, nsWithinMs?: number): NsParts {
  let whole = Math.floor(ms);
  let ns = nsWithinMs ?? Math.round((ms - whole) * 1e6);
  if (ns >= 1e6) {
    whole += 1;
    ns -= 1e6;
  }
  parts.ms = whole;
  parts.ns = ns;
  return parts;
}

/** Unix nanoseconds as decimal text. */
export function nsText(ms: number, nsWithinMs?: number): string {
  const { ms: whole, ns } = splitNs(ms, nsWithinMs);
  if (whole < 0) return (BigInt(whole) * 1_000_000n + BigInt(ns)).toString();
  return whole === 0 ? String(ns) : `${whole}${String(ns).padStart(6, "0")}`;
}
