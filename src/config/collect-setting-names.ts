// How `rfm collect`'s settings rules (src/collect/settings.ts) name a setting
// that came from the [collect] table: `serialization = "parquet"`, with the
// table's dotted prefix when the message stands alone (on the command line)
// and without it when the issue's key already says where it is.
import type { Setting, SettingNames } from "../collect/settings.js";

/** Each setting's key in [collect]. */
export const COLLECT_KEYS: Readonly<Record<Setting, string>> = {
  format: "format", serialization: "serialization", output: "output", interval: "interval", exec: "exec", workers: "workers",
  enrich: "enrich", bmp: "bmp", listeners: "listeners", metricsPort: "metrics_port",
};

const NUMERIC: ReadonlySet<Setting> = new Set(["workers", "metricsPort"]);

/**
 * `listenerKeys[i]` is the table listener i is written in, relative to
 * [collect]: "" for the one of `flow_type`, "listeners[1]" for an entry.
 * With `prefix` ("collect."), names are whole dotted keys.
 */
export function collectSettingNames(listenerKeys: readonly string[], prefix = ""): SettingNames {
  return (setting, value, listener) => {
    const table = listener === undefined ? "" : (listenerKeys[listener] ?? "");
    const key =
      setting === "listeners" && listener !== undefined ? (table ? `${prefix}${table}` : `the listener of ${prefix}flow_type`)
      : setting === "workers" && prefix === "" ? "workers"
      : `${prefix}${table ? `${table}.` : ""}${COLLECT_KEYS[setting]}`;
    if (value === undefined) return key;
    return `${key} = ${NUMERIC.has(setting) ? value : JSON.stringify(value)}`;
  };
}
