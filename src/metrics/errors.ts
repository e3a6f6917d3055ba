// Error counts by subsystem, exported as rfm_errors_total{subsystem}. Every
// stage counts its own failures here instead of stopping.
export const ERROR_SUBSYSTEMS = ["bpf_map", "ring_buffer", "netlink", "attach", "gso_header", "ipfix", "bmp", "flow_log"] as const;
export type ErrorSubsystem = (typeof ERROR_SUBSYSTEMS)[number];

export class ErrorCounters {
  private readonly counts = new Map<ErrorSubsystem, number>(ERROR_SUBSYSTEMS.map((s) => [s, 0]));

  inc(subsystem: ErrorSubsystem, by = 1): void {
    this.counts.set(subsystem, (this.counts.get(subsystem) ?? 0) + by);
  }

  get(subsystem: ErrorSubsystem): number {
    return this.counts.get(subsystem) ?? 0;
  }

  entries(): [ErrorSubsystem, number][] {
    return [...this.counts.entries()];
  }
}
