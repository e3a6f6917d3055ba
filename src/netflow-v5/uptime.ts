// NetFlow (v5, and v9's FIRST_SWITCHED/LAST_SWITCHED) dates flows in the
// exporter's sysUptime milliseconds; the header pairs one sysUptime reading
// with the wall clock, which turns any other reading into Unix time.

/** The header's wall clock in Unix milliseconds (nanoseconds as a fraction). */
export function exportUnixMs(unixSecs: number, unixNsecs: number): number {
  return unixSecs * 1000 + unixNsecs / 1e6;
}

/**
 * Unix milliseconds of the sysUptime reading `uptimeMs`, given the header's
 * sysUptime and export time. The difference is taken as a signed 32-bit
 * number: a flow that began before the counter wrapped (every 49.7 days)
 * still dates from before the export, and a reading a little after the
 * header's (some exporters stamp the header first) stays a little after.
 */
export function uptimeToUnixMs(uptimeMs: number, headerUptimeMs: number, exportMs: number): number {
  return exportMs - ((headerUptimeMs - uptimeMs) | 0);
}
