// Reads the closing counts of Node's test runner (spec reporter): the lines
// "ℹ tests N", "ℹ pass N", ... scripts/test.mjs judges a run by them; a
// summary it cannot read is a failed run, never a passed one.
const COUNTS = ["tests", "pass", "fail", "cancelled", "skipped", "todo"] as const;

export type RunSummary = Record<(typeof COUNTS)[number], number>;

/** The counts, or a sentence naming the first one missing from the runner's output. */
export function readRunSummary(tail: string): RunSummary | string {
  const out: Partial<RunSummary> = {};
  for (const name of COUNTS) {
    const m = new RegExp(`^\\S* ?${name} (\\d+)$`, "m").exec(tail);
    if (!m) return `the runner's summary has no "${name}" count`;
    out[name] = Number(m[1]);
  }
  return out as RunSummary;
}

/** Why a finished run (exit code 0) does not pass, or undefined when it does. */
export function runVerdict(summary: RunSummary | string, strict: boolean): string | undefined {
  if (typeof summary === "string") return `${summary}: the run is not counted as passed`;
  if (summary.tests === 0) return "no test ran";
  if (summary.fail > 0 || summary.cancelled > 0) return `${summary.fail} failed and ${summary.cancelled} cancelled tests`;
  if (strict && (summary.skipped > 0 || summary.todo > 0)) {
    return `${summary.skipped} skipped and ${summary.todo} todo tests: under CI every test must run`;
  }
  return undefined;
}
