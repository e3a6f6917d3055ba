// What an exporter's options data says about the data records that follow:
// its sampling rate and when it booted (for sysUpTime times), per transport
// session and observation domain. Bounded: past `maxEntries` the least
// recently updated entry goes.

export interface ExporterFacts {
  samplingRate?: number;
  systemInitMs?: number;
}

export class ExporterState {
  private readonly entries = new Map<string, ExporterFacts>();
  evictions = 0;

  constructor(private readonly maxEntries = 16_384) {}

  get size(): number {
    return this.entries.size;
  }

  get(session: string, domain: number): ExporterFacts | undefined {
    return this.entries.get(`${session}/${domain}`);
  }

  update(session: string, domain: number, facts: ExporterFacts): void {
    const key = `${session}/${domain}`;
    const old = this.entries.get(key);
    this.entries.delete(key);
    if (!old && this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.evictions++;
    }
    this.entries.set(key, { ...old, ...facts });
  }
}

/** The 1-in-N rate an options or data record's sampling elements describe, if any. */
export function samplingRateOf(ids: readonly number[], values: readonly unknown[]): number | undefined {
  let interval: number | undefined;
  let packetInterval: number | undefined;
  let packetSpace: number | undefined;
  let probability: number | undefined;
  ids.forEach((id, i) => {
    const v = values[i];
    const n = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : undefined;
    if (n === undefined) return;
    if (id === 34 || id === 50) interval = n; // samplingInterval, samplerRandomInterval
    else if (id === 305) packetInterval = n;
    else if (id === 306) packetSpace = n;
    else if (id === 311) probability = n;
  });
  if (packetInterval !== undefined && packetSpace !== undefined && packetInterval > 0) return (packetInterval + packetSpace) / packetInterval;
  if (interval !== undefined && interval > 0) return interval;
  if (probability !== undefined && probability > 0) return 1 / probability;
  return undefined;
}
