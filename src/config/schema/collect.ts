// [collect]: `rfm collect -c FILE`. Its keys are the command's long flags in
// snake_case, with the same defaults and rules (src/collect/settings.ts);
// `flow_type`, `host`, `port` and `workers` are one listener, as the flags
// are, and each [[collect.listeners]] entry is one more, all in one process
// sharing the output, the metrics endpoint and the enrichment. `--pcap`
// stays a flag. Files named here (ie_mapping, enrich sources) are only
// type-checked: `rfm collect` opens them when it starts, so a config can be
// checked on another machine.

import * as v from "valibot";
import { DEFAULT_PORTS, settingsProblem, type CollectSettings, type ListenerSettings } from "../../collect/settings.js";
import { parseEnrichSpec, type EnrichSpec } from "../../collect/enrich/enrich-spec.js";
import { parseListenAddress, type ListenAddress } from "../../collect/enrich/listen-address.js";
import type { FlowProtocol } from "../../collect/decode/flow-decoder.js";
import { COLLECT_KEYS, collectSettingNames } from "../collect-setting-names.js";
import { boolean, duration, expected, integer, nonEmptyString, oneOf, table } from "../fields.js";
import type { KeyPath } from "../key-path.js";
import { isTable } from "../toml-value.js";

const SECOND = 1000;
const MAX_PORT = 65_535;
const MAX_WORKERS = 64;

const flowType = oneOf(["netflow", "sflow"]);
const listenHost = nonEmptyString('must not be empty ("::" takes IPv6 and IPv4)');

const listenerSchema = table({
  type: flowType,
  host: v.optional(listenHost, "::"),
  // Unset: the type's port (2055 or 6343); 0 picks a free one.
  port: v.optional(integer(0, MAX_PORT)),
  // Unset: see effectiveWorkers.
  workers: v.optional(integer(1, MAX_WORKERS)),
});

/** A spec's parameters, as --enrich takes them, but written as a table (fields also as a table of column = "name"). */
const enrichTable = v.pipe(
  table({
    type: oneOf(["prefix_lookup", "exact"]),
    source: nonEmptyString("must not be empty"),
    key: v.optional(nonEmptyString("must not be empty")),
    key_column: v.optional(nonEmptyString("must not be empty")),
    fields: v.lazy((input) => (isTable(input) ? v.record(v.string(), nonEmptyString("must not be empty"), expected("a table of COLUMN = \"NAME\"")) : nonEmptyString("must not be empty"))),
    reload: v.optional(nonEmptyString('must not be empty (a duration like "5m", "watch" or "never")')),
  }),
  v.transform((t) => {
    const fields = typeof t.fields === "string" ? t.fields : Object.entries(t.fields).map(([from, to]) => `${from}:${to}`).join(";");
    const parts: [string, string | undefined][] = [["type", t.type], ["source", t.source], ["key", t.key], ["key_column", t.key_column], ["fields", fields], ["reload", t.reload]];
    return parts.filter((p): p is [string, string] => p[1] !== undefined);
  }),
);

/** One spec: a string in --enrich's syntax, or a table of its parameters; checked as --enrich checks it. */
const enrichEntry = v.pipe(
  v.lazy((input) => (typeof input === "string" ? v.string() : isTable(input) ? enrichTable : v.string(expected('an --enrich spec string like "type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn", or a table')))),
  v.rawTransform(({ dataset, addIssue, NEVER }): EnrichSpec => {
    const value = dataset.value;
    let text: string;
    if (typeof value === "string") text = value;
    else {
      const comma = value.find(([, v]) => v.includes(","));
      if (comma) {
        addIssue({ message: `${comma[0]}: ${JSON.stringify(comma[1])} holds a comma, which a spec cannot carry` });
        return NEVER;
      }
      text = value.map(([k, v]) => `${k}=${v}`).join(",");
    }
    try {
      return parseEnrichSpec(text);
    } catch (e) {
      addIssue({ message: (e as Error).message });
      return NEVER;
    }
  }),
);

const bmpAddress = v.pipe(
  v.string(expected('an address like "127.0.0.1:11019", "[::1]:11019" or "11019"')),
  v.rawTransform(({ dataset, addIssue, NEVER }): ListenAddress => {
    try {
      return parseListenAddress(dataset.value);
    } catch (e) {
      addIssue({ message: (e as Error).message });
      return NEVER;
    }
  }),
);

const entries = {
  // One listener, as -t, -H, -p and --workers describe it; set by flow_type.
  flow_type: v.optional(flowType),
  host: v.optional(listenHost),
  port: v.optional(integer(0, MAX_PORT)),
  workers: v.optional(integer(1, MAX_WORKERS)),
  listeners: v.optional(v.array(listenerSchema, expected("an array of tables ([[collect.listeners]])")), []),
  format: v.optional(oneOf(["raw", "common"]), "raw"),
  serialization: v.optional(oneOf(["ndjson", "csv", "protobuf", "parquet", "discard"]), "ndjson"),
  // "-" is standard output, as for -o.
  output: v.optional(nonEmptyString('must not be empty (leave it out, or "-", for standard output)')),
  interval: v.optional(duration(SECOND)),
  level: v.optional(integer(0, 3), 0n),
  prefix: v.optional(nonEmptyString("must not be empty"), "flows"),
  exec: v.optional(nonEmptyString("must not be empty (leave it out to run nothing)")),
  renormalize: v.optional(boolean(), false),
  template_timeout: v.optional(duration(SECOND), "30m"),
  ie_mapping: v.optional(nonEmptyString("must not be empty")),
  enrich: v.optional(v.array(enrichEntry, expected("a list of --enrich specs (strings or tables)")), []),
  bmp: v.optional(bmpAddress),
  metrics_host: v.optional(nonEmptyString('must not be empty (use "::" or "0.0.0.0" to listen on all addresses)'), "::1"),
  // Unset: 9090 when listening, off for --pcap; 0 turns it off.
  metrics_port: v.optional(integer(0, MAX_PORT)),
};

/** One listener as the file gives it: `port` unset takes the type's, `workers` unset see effectiveWorkers. */
export interface ConfiguredListener {
  protocol: FlowProtocol;
  host: string;
  port?: number;
  workers?: number;
  /** Its index among the [[collect.listeners]] entries; unset for the flow_type one. */
  entry?: number;
}

/** Where a listener is written, relative to [collect]: "" (flow_type) or "listeners[N]". */
export function listenerKey(l: Pick<ConfiguredListener, "entry">): string {
  return l.entry === undefined ? "" : `listeners[${l.entry}]`;
}

/** Keys the single listener is made of, which mean nothing without flow_type. */
const SINGLE_LISTENER_KEYS = ["host", "port", "workers"] as const;

type Written = v.InferOutput<ReturnType<typeof table<typeof entries>>>;

/** The listeners in order: flow_type's first, then each entry. */
function configuredListeners(c: Pick<Written, "flow_type" | "host" | "port" | "workers" | "listeners">): ConfiguredListener[] {
  const single: ConfiguredListener[] =
    c.flow_type === undefined ? []
    : [{ protocol: c.flow_type, host: c.host ?? "::", ...(c.port !== undefined ? { port: c.port } : {}), ...(c.workers !== undefined ? { workers: c.workers } : {}) }];
  return [
    ...single,
    ...c.listeners.map((l, i) => ({ protocol: l.type, host: l.host, ...(l.port !== undefined ? { port: l.port } : {}), ...(l.workers !== undefined ? { workers: l.workers } : {}), entry: i })),
  ];
}

/** A listener's port, its type's when unset. */
export function listenerPort(l: Pick<ConfiguredListener, "protocol" | "port">): number {
  return l.port ?? DEFAULT_PORTS[l.protocol];
}

/**
 * Threads per listener when `workers` is not written: the core count shared
 * out among the listeners (at least 1 each), so two listeners do not take
 * twice the machine; 1 where the output needs one thread (parquet, bmp).
 */
export function effectiveWorkers(l: Pick<ConfiguredListener, "workers">, listeners: number, cores: number, oneThread: boolean): number {
  if (l.workers !== undefined) return l.workers;
  return oneThread ? 1 : Math.max(1, Math.floor(cores / Math.max(1, listeners)));
}

/** Whether the output or enrichment needs every listener on one thread. */
export function needsOneThread(s: Pick<CollectSettings, "serialization" | "bmp">): boolean {
  return s.serialization === "parquet" || s.bmp !== undefined;
}

/** Keys the rules below read; they run only when all of these parsed. */
const RULE_KEYS: ReadonlySet<string> = new Set(Object.keys(entries).filter((k) => k !== "metrics_host"));

function keyPathOf(setting: keyof typeof COLLECT_KEYS, listener: ConfiguredListener | undefined): KeyPath {
  if (listener === undefined || (setting !== "workers" && setting !== "listeners")) return [COLLECT_KEYS[setting]];
  const at: KeyPath = listener.entry === undefined ? [] : ["listeners", listener.entry];
  return setting === "workers" ? [...at, "workers"] : at.length > 0 ? at : ["flow_type"];
}

type PathItem = { type: "object"; origin: "value"; input: Record<string, unknown>; key: string; value: unknown } | { type: "array"; origin: "value"; input: unknown[]; key: number; value: unknown };

/** valibot path items for `path` inside `root`. */
function pathItems(root: Record<string, unknown>, path: KeyPath): [PathItem, ...PathItem[]] {
  const items: PathItem[] = [];
  let value: unknown = root;
  for (const key of path) {
    const input = value;
    value = typeof key === "number" ? (input as unknown[])[key] : (input as Record<string, unknown>)[key];
    items.push(typeof key === "number" ? { type: "array", origin: "value", input: input as unknown[], key, value } : { type: "object", origin: "value", input: input as Record<string, unknown>, key, value });
  }
  return items as [PathItem, ...PathItem[]];
}

export const collectSchema = v.pipe(
  table(entries),
  // Rules over several keys; they run even when other keys of the table are wrong, once the keys they read parsed.
  v.rawCheck(({ dataset, addIssue }) => {
    const raw: unknown = dataset.value;
    if (!isTable(raw) || dataset.issues?.some((issue) => RULE_KEYS.has(String(issue.path?.[0]?.key)))) return;
    const c = raw as Written;
    if (c.flow_type === undefined) {
      for (const key of SINGLE_LISTENER_KEYS) {
        if (c[key] === undefined) continue;
        addIssue({ message: `configures the flow_type listener, but collect.flow_type is not set (set it, or give ${key} in each [[collect.listeners]] entry)`, path: pathItems(raw, [key]) });
      }
    }
    const listeners = configuredListeners(c);
    // Workers left unset are never a problem here (see effectiveWorkers), however many cores check the file.
    const settings: CollectSettings = {
      protocol: "netflow",
      listeners: listeners.map((l): ListenerSettings => ({ protocol: l.protocol, host: l.host, port: listenerPort(l), workers: l.workers ?? 1 })),
      format: c.format, serialization: c.serialization, level: c.level, prefix: c.prefix, renormalize: c.renormalize, templateTimeoutMs: c.template_timeout,
      metricsHost: c.metrics_host, metricsPort: c.metrics_port ?? 9090, enrich: c.enrich,
      ...(c.output !== undefined ? { output: c.output } : {}), ...(c.interval !== undefined ? { intervalMs: c.interval } : {}), ...(c.exec !== undefined ? { exec: c.exec } : {}),
      ...(c.ie_mapping !== undefined ? { ieMapping: c.ie_mapping } : {}), ...(c.bmp !== undefined ? { bmp: c.bmp } : {}),
    };
    const problem = settingsProblem(settings, collectSettingNames(listeners.map(listenerKey)));
    // No listener at all is not an error: --pcap and -t need none (rfm config check warns).
    if (!problem || (problem.setting === "listeners" && listeners.length === 0)) return;
    const listener = problem.listener === undefined ? undefined : listeners[problem.listener];
    addIssue({ message: problem.message, path: pathItems(raw, keyPathOf(problem.setting, listener)) });
  }),
  v.transform((c) => ({ ...c, listen: configuredListeners(c) })),
);

export type CollectConfig = v.InferOutput<typeof collectSchema>;
