// The shape every doctor check reports, shared by the text and JSON output.

export interface CheckResult {
  /** Short stable identifier, e.g. "capabilities". */
  name: string;
  ok: boolean;
  /** A failed required check means the agent cannot run (exit code 1); others are warnings. */
  required: boolean;
  /** What was found; may span lines (verifier log tail). */
  detail: string;
  /** How to fix a failure. */
  fix?: string;
}
