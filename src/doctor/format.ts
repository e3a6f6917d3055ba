// Human-readable doctor report and the process exit code.
import type { CheckResult } from "./check.js";

function status(r: CheckResult): string {
  if (r.ok) return "ok  ";
  return r.required ? "FAIL" : "warn";
}

/**
 * One line per check: `ok   NAME: detail`, `warn NAME: detail (fix: ...)`,
 * `FAIL NAME: detail (fix: ...)`. A multi-line detail (a verifier log) goes
 * on indented continuation lines so each check still starts one line.
 */
export function formatDoctorText(results: CheckResult[]): string {
  return results
    .map((r) => {
      const [first = "", ...rest] = r.detail.split("\n");
      const fix = !r.ok && r.fix ? ` (fix: ${r.fix})` : "";
      const line = `${status(r)} ${r.name}: ${first}${fix}`;
      return [line, ...rest.map((l) => `     ${l}`)].join("\n");
    })
    .map((block) => `${block}\n`)
    .join("");
}

/** 1 when any required check failed: warnings alone do not stop the agent. */
export function doctorExitCode(results: CheckResult[]): 0 | 1 {
  return results.some((r) => r.required && !r.ok) ? 1 : 0;
}
