// Config problems are collected, never thrown one at a time, so a single
// `rfm config check` run shows everything wrong with a file.

export interface ConfigIssue {
  /** Full dotted key ("agent.bpf.sample_rate"); "" for problems with the file itself. */
  key: string;
  /** 1-based line in the config text, when known. */
  line?: number;
  message: string;
}

/**
 * "SOURCE:LINE: KEY: MESSAGE", dropping the parts an issue lacks. An issue with
 * neither key nor line (the file cannot be read) names the file in its message.
 */
export function formatIssue(source: string, issue: ConfigIssue): string {
  if (issue.key === "" && issue.line === undefined) return issue.message;
  const where = issue.line === undefined ? source : `${source}:${issue.line}`;
  return issue.key === "" ? `${where}: ${issue.message}` : `${where}: ${issue.key}: ${issue.message}`;
}

/** Issues without a line (whole-file problems) first, then by line; ties keep their order. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(source, issue)).join("\n"));
    this.source = source;
    this.issues = issues;
  }
}
