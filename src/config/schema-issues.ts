// Turns valibot's issues into ConfigIssues: full dotted keys, line numbers, and
// "did you mean" hints for unknown keys.

import type * as v from "valibot";
import { UNKNOWN_KEY } from "./fields.js";
import type { ConfigIssue } from "./issues.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import type { KeyLocator } from "./locate.js";
import { allKnownPaths, isTableKey, knownKeysAt } from "./schema/known-keys.js";
import { closestMatch } from "./suggest.js";
import { isTable } from "./toml-value.js";

function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof segment === "number" ? Array.isArray(value) : isTable(value)) {
      value = (value as Record<string | number, unknown>)[segment];
    } else return undefined;
  }
  return value;
}

function suggestionFor(schema: v.GenericSchema, path: KeyPath): string | undefined {
  const parent = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  const sibling = closestMatch(key, knownKeysAt(schema, parent));
  if (sibling !== undefined) return formatKeyPath([...parent, sibling]);
  // A key put in the wrong table, e.g. `sample_rate` directly under [agent].
  const elsewhere = allKnownPaths(schema);
  const names = elsewhere.map((known) => String(known[known.length - 1]));
  const match = closestMatch(key, names);
  const found = match === undefined ? undefined : elsewhere[names.indexOf(match)];
  return found && formatKeyPath(found);
}

function unknownKeyIssue(path: KeyPath, data: unknown, schema: v.GenericSchema, locator: KeyLocator): ConfigIssue {
  const kind = isTable(valueAt(data, path)) ? "table" : "key";
  const suggestion = suggestionFor(schema, path);
  return withLine(
    { key: formatKeyPath(path), message: `unknown ${kind}${suggestion ? `; did you mean \`${suggestion}\`?` : ""}` },
    locator.nearestLineOf(path),
  );
}

function withLine(issue: ConfigIssue, line: number | undefined): ConfigIssue {
  return line === undefined ? issue : { ...issue, line };
}

/** One ConfigIssue per problem. */
export function toConfigIssues(
  issues: readonly v.BaseIssue<unknown>[],
  data: unknown,
  schema: v.GenericSchema,
  locator: KeyLocator,
): ConfigIssue[] {
  return issues.map((issue) => {
    const path: KeyPath = (issue.path ?? []).map((item) => (typeof item.key === "number" ? item.key : String(item.key)));
    if (issue.expected === UNKNOWN_KEY) return unknownKeyIssue(path, data, schema, locator);
    const key = formatKeyPath(path);
    if (issue.input === undefined && valueAt(data, path) === undefined) {
      // Point at the table that should contain the key, when it is written out.
      const message = isTableKey(schema, path) ? `missing required table [${key}]` : "missing required key";
      return withLine({ key, message }, locator.lineOf(path.slice(0, -1)));
    }
    return withLine({ key, message: issue.message }, locator.nearestLineOf(path));
  });
}
