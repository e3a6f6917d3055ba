// "Did you mean" for unknown keys: the closest known key, if any is close.

function normalize(key: string): string {
  return key.toLowerCase().replaceAll("-", "_");
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
// so "smaple_rate" is one edit from "sample_rate".
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

function isClose(word: string, candidate: string, distance: number): boolean {
  const shorter = Math.min(word.length, candidate.length);
  // A truncated key ("eviction" for "eviction_timeout") is close however long the rest.
  if (shorter >= 3 && (word.startsWith(candidate) || candidate.startsWith(word))) return true;
  return distance <= Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
}

/** The candidate closest to `word`, or undefined when none is plausibly meant. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const w = normalize(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = normalize(candidate);
    const distance = editDistance(w, c);
    if (isClose(w, c, distance) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
