// Rotation windows: epoch-aligned spans of `intervalMs`, and a batch cut
// into runs of consecutive items that fall in one window (each run goes to
// that window's file).

export function windowStart(ms: number, intervalMs: number): number {
  return Math.floor(ms / intervalMs) * intervalMs;
}

export function* windowRuns<T>(batch: readonly T[], timeOf: (item: T) => number, intervalMs: number): Generator<{ items: readonly T[]; windowStart: number }> {
  for (let from = 0; from < batch.length; ) {
    const start = windowStart(timeOf(batch[from]!), intervalMs);
    let to = from + 1;
    while (to < batch.length && windowStart(timeOf(batch[to]!), intervalMs) === start) to++;
    yield { items: from === 0 && to === batch.length ? batch : batch.slice(from, to), windowStart: start };
    from = to;
  }
}
