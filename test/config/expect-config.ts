// Shared helpers for the config specs: build small TOML files and collect the
// issues parseConfig reports for them.

import * as assert from "node:assert/strict";
import { ConfigError, formatIssue, parseConfig, type ConfigIssue, type LoadedConfig } from "../../src/config/index.js";

export const SOURCE = "test.toml";

/** The smallest valid config (interfaces on line 2), followed by `lines` from line 3 on. */
export function withAgent(...lines: string[]): string {
  return ["[agent]", 'interfaces = ["eth0"]', ...lines].join("\n") + "\n";
}

/** A config whose [agent.TABLE] header is on line 3 and `lines` follow from line 4. */
export function withTable(table: string, ...lines: string[]): string {
  return withAgent(`[agent.${table}]`, ...lines);
}

export function load(text: string): LoadedConfig {
  return parseConfig(text, SOURCE);
}

/** The issues parseConfig throws for `text`; fails the test if it succeeds. */
export function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, SOURCE);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return assert.fail(`expected a ConfigError for:\n${text}`);
}

/** The single issue reported for `text`. */
export function onlyIssue(text: string): ConfigIssue {
  const issues = issuesOf(text);
  const [first] = issues;
  if (issues.length !== 1 || first === undefined) {
    assert.fail(`expected exactly one issue, got:\n${issues.map((i) => formatIssue(SOURCE, i)).join("\n")}`);
  }
  return first;
}
