// "Did you mean" for unknown keys: the closest known key, if any is close.

function normalize(key: string): string {
  return key.toLowerCase().replaceAll("-", "_");
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
// so "smaple_rate" is one edit from "sample_rate". Given up past `limit`
// (returning limit + 1): a row's smallest cell never shrinks further down, so
// once every cell of a row is past the limit the rest cannot come back. That
// keeps an unknown name of any length cheap against a long list (the IANA
// registry), where the full table cost seconds for a few long names.
function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let before = new Uint32Array(n + 1); // row i - 2, for transpositions
  let prev = new Uint32Array(n + 1);
  let row = new Uint32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let smallest = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      row[j] = best;
      if (best < smallest) smallest = best;
    }
    if (smallest > limit) return limit + 1;
    [before, prev, row] = [prev, row, before];
  }
  return Math.min(prev[n], limit + 1);
}

/** The largest distance at which a candidate still counts as meant. */
function closeLimit(word: string, candidate: string): number {
  return Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
}

/** The candidate closest to `word`, or undefined when none is plausibly meant. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const w = normalize(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = normalize(candidate);
    // A truncated key ("eviction" for "eviction_timeout") is close however long
    // the rest; its distance is exactly the octets cut off.
    const truncated = Math.min(w.length, c.length) >= 3 && (w.startsWith(c) || c.startsWith(w));
    const limit = closeLimit(w, c);
    const distance = truncated ? Math.abs(w.length - c.length) : boundedDistance(w, c, Math.min(limit, bestDistance - 1));
    if ((truncated || distance <= limit) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
