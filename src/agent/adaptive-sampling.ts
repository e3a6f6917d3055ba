// Adaptive sampling: while the ring buffer drops events, sample half as often
// (double N, up to max_sample_rate); after 10 quiet ticks, sample twice as
// often again (halve N, down to sample_rate). Estimates stay unbiased because
// every event carries the rate that sampled it.
export const QUIET_TICKS = 10;

export class AdaptiveSampling {
  private lastDrops: number | undefined;
  private quiet = 0;

  constructor(
    private readonly base: number,
    private readonly max: number,
  ) {}

  /** Given the ring drop counter now and the rate in force, the rate to use next. */
  next(drops: number, rate: number): number {
    const dropped = this.lastDrops !== undefined && drops > this.lastDrops;
    this.lastDrops = drops;
    if (dropped) {
      this.quiet = 0;
      return Math.min(this.max, rate * 2);
    }
    if (rate > this.base && ++this.quiet >= QUIET_TICKS) {
      this.quiet = 0;
      return Math.max(this.base, Math.floor(rate / 2));
    }
    return rate;
  }

  /** A rate set by hand starts a fresh quiet count. */
  reset(): void {
    this.quiet = 0;
  }
}
