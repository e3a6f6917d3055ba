// Reading a config: TOML syntax, then the schema, then warnings. Every problem
// found is reported together in one ConfigError.

import { readFile } from "node:fs/promises";
import { readFailureReason } from "../read-failure.js";
import { parse, TomlError } from "smol-toml";
import * as v from "valibot";
import { globWarning } from "./interface-patterns.js";
import { ConfigError, formatIssue, sortIssues, type ConfigIssue } from "./issues.js";
import { formatKeyPath } from "./key-path.js";
import { locateKeys, type KeyLocator } from "./locate.js";
import { configSchema, type Config } from "./schema/config.js";
import { toConfigIssues } from "./schema-issues.js";

export const DEFAULT_CONFIG_PATH = "/etc/rfm/rfm.toml";

export interface LoadedConfig {
  config: Config;
  /** Formatted like issues ("SOURCE:LINE: KEY: MESSAGE"); the config is usable regardless. */
  warnings: string[];
  text: string;
  source: string;
}

function parseToml(text: string, source: string): unknown {
  try {
    // Integers as bigints tell `100` (integer) apart from `100.0` (float).
    return parse(text, { integersAsBigInt: true });
  } catch (err) {
    if (err instanceof TomlError) {
      // smol-toml's message is "Invalid TOML document: WHY\n\n<code excerpt>".
      const why = err.message.split("\n", 1)[0]?.replace(/^Invalid TOML document: /, "") ?? "";
      throw new ConfigError(source, [{ key: "", line: err.line, message: `invalid TOML: ${why} (column ${err.column})` }]);
    }
    throw new ConfigError(source, [{ key: "", message: `${source}: invalid TOML: ${String(err)}` }]);
  }
}

function interfaceWarnings(config: Config, locator: KeyLocator, source: string): string[] {
  return config.agent.interfaces.flatMap((pattern, index) => {
    const message = globWarning(pattern);
    if (message === undefined) return [];
    const path = ["agent", "interfaces", index];
    const line = locator.nearestLineOf(path);
    return [formatIssue(source, { key: formatKeyPath(path), message, ...(line === undefined ? {} : { line }) })];
  });
}

/** Parses and validates config text; throws ConfigError listing every problem. */
export function parseConfig(text: string, source = "<config>"): LoadedConfig {
  const data = parseToml(text, source);
  const locator = locateKeys(text);
  const result = v.safeParse(configSchema, data);
  if (!result.success) {
    const issues: ConfigIssue[] = toConfigIssues(result.issues, data, configSchema, locator);
    throw new ConfigError(source, sortIssues(issues));
  }
  return { config: result.output, warnings: interfaceWarnings(result.output, locator, source), text, source };
}

/** Reads and parses a config file; unreadable files are ConfigErrors too. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const why = readFailureReason(err);
    throw new ConfigError(path, [{ key: "", message: `cannot read config file ${path}: ${why}` }]);
  }
  return parseConfig(text, path);
}
