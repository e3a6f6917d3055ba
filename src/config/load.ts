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
import { anyFileSchema, collectFileSchema, configSchema, type AnyFile, type CollectFile, type Config } from "./schema/config.js";
import { toConfigIssues } from "./schema-issues.js";

export const DEFAULT_CONFIG_PATH = "/etc/rfm/rfm.toml";

/** A parsed file, as one command reads it. */
export interface Loaded<C> {
  config: C;
  /** Formatted like issues ("SOURCE:LINE: KEY: MESSAGE"); the config is usable regardless. */
  warnings: string[];
  text: string;
  source: string;
}

/** `rfm agent`'s: [agent] required. */
export type LoadedConfig = Loaded<Config>;
/** `rfm collect -c`'s: [collect] required. */
export type LoadedCollectConfig = Loaded<CollectFile>;
/** `rfm config check`'s: [agent], [collect] or both. */
export type LoadedAnyConfig = Loaded<AnyFile>;

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

function interfaceWarnings(config: Pick<AnyFile, "agent">, locator: KeyLocator, source: string): string[] {
  return (config.agent?.interfaces ?? []).flatMap((pattern, index) => {
    const message = globWarning(pattern);
    if (message === undefined) return [];
    const path = ["agent", "interfaces", index];
    const line = locator.nearestLineOf(path);
    return [formatIssue(source, { key: formatKeyPath(path), message, ...(line === undefined ? {} : { line }) })];
  });
}

/** A [collect] table without a listener runs only with flags (-t, --pcap): worth a word from `rfm config check`. */
function collectWarnings(config: Pick<AnyFile, "collect">, locator: KeyLocator, source: string): string[] {
  if (!config.collect || config.collect.listen.length > 0) return [];
  const line = locator.lineOf(["collect"]);
  const message = "no listener (set flow_type, or add [[collect.listeners]]): rfm collect -c runs this table only with -t or --pcap";
  return [formatIssue(source, { key: "collect", message, ...(line === undefined ? {} : { line }) })];
}

function parseWith<S extends v.GenericSchema>(schema: S, text: string, source: string, warnings: (out: v.InferOutput<S>, locator: KeyLocator) => string[]): Loaded<v.InferOutput<S>> {
  const data = parseToml(text, source);
  const locator = locateKeys(text);
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issues: ConfigIssue[] = toConfigIssues(result.issues, data, schema, locator);
    throw new ConfigError(source, sortIssues(issues));
  }
  return { config: result.output, warnings: warnings(result.output, locator), text, source };
}

/** Parses and validates config text for `rfm agent` ([agent] required); throws ConfigError listing every problem. */
export function parseConfig(text: string, source = "<config>"): LoadedConfig {
  return parseWith(configSchema, text, source, (c, locator) => interfaceWarnings(c, locator, source));
}

/** The same for `rfm collect -c` ([collect] required). */
export function parseCollectConfig(text: string, source = "<config>"): LoadedCollectConfig {
  return parseWith(collectFileSchema, text, source, () => []);
}

/** The same for `rfm config check` ([agent], [collect] or both), with every table's warnings. */
export function parseAnyConfig(text: string, source = "<config>"): LoadedAnyConfig {
  return parseWith(anyFileSchema, text, source, (c, locator) => [...interfaceWarnings(c, locator, source), ...collectWarnings(c, locator, source)]);
}

async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const why = readFailureReason(err);
    throw new ConfigError(path, [{ key: "", message: `cannot read config file ${path}: ${why}` }]);
  }
}

/** Reads and parses a config file for `rfm agent`; unreadable files are ConfigErrors too. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  return parseConfig(await readConfigText(path), path);
}

/** Reads and parses a config file for `rfm collect -c`. */
export async function loadCollectConfigFile(path: string): Promise<LoadedCollectConfig> {
  return parseCollectConfig(await readConfigText(path), path);
}

/** Reads and parses a config file for `rfm config check`. */
export async function loadAnyConfigFile(path: string): Promise<LoadedAnyConfig> {
  return parseAnyConfig(await readConfigText(path), path);
}
