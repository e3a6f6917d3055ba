// Unix nanoseconds as decimal text without going through a float that
// cannot hold them (2^53 ns is only 104 days): whole milliseconds and the
// nanoseconds within them are printed side by side.
export function nsText(ms: number, nsWithinMs?: number): string {
  let whole = Math.floor(ms);
  let ns = nsWithinMs ?? Math.round((ms - whole) * 1e6);
  if (ns >= 1e6) {
    whole += 1;
    ns -= 1e6;
  }
  if (whole < 0) return (BigInt(whole) * 1_000_000n + BigInt(ns)).toString();
  return whole === 0 ? String(ns) : `${whole}${String(ns).padStart(6, "0")}`;
}
