// `rfm collect`'s settings from its flags, or from a [collect] table with the
// flags given on the command line overriding the table's keys of the same
// name (--enrich given replaces the table's whole list). The listener flags
// (-t, -H, -p, --workers) describe one listener: with a file they change its
// one listener (or make it, with -t, when it has none) and are refused when
// it has several, since which one they mean would be a guess.
import { DEFAULT_PORTS, flagNames, type CollectSettings, type ListenerSettings, type Setting, type SettingNames } from "../collect/settings.js";
import type { Serialization } from "../collect/format/serialization.js";
import type { EnrichSpec } from "../collect/enrich/enrich-spec.js";
import type { ListenAddress } from "../collect/enrich/listen-address.js";
import type { FlowProtocol } from "../collect/decode/flow-decoder.js";
import { effectiveWorkers, listenerKey, listenerPort, needsOneThread, type CollectConfig } from "../config/index.js";
import { collectSettingNames } from "../config/collect-setting-names.js";

export interface CollectFlags {
  config?: string;
  flowType?: FlowProtocol;
  pcap?: string;
  host: string;
  port?: number;
  format: "raw" | "common";
  serialization: Serialization;
  output?: string;
  interval?: number;
  level: number;
  prefix: string;
  exec?: string;
  renormalize?: boolean;
  templateTimeout: number;
  ieMapping?: string;
  enrich?: EnrichSpec[];
  bmp?: ListenAddress;
  metricsHost: string;
  workers?: number;
  metricsPort?: number;
}

/** Whether a flag was given on the command line (not its default). */
export type Given = (flag: keyof CollectFlags) => boolean;

export type Resolved = { settings: CollectSettings; names: SettingNames } | { usage: string };

const optional = <K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: T }));

/** Without -c: the flags and their defaults, as RustFlow's collector takes them. */
export function settingsFromFlags(f: CollectFlags & { flowType: FlowProtocol }, cores: number): CollectSettings {
  return {
    protocol: f.flowType,
    ...optional("pcap", f.pcap),
    listeners: f.pcap !== undefined ? [] : [{ protocol: f.flowType, host: f.host, port: f.port ?? DEFAULT_PORTS[f.flowType], workers: f.workers ?? (f.serialization === "parquet" || f.bmp !== undefined ? 1 : cores) }],
    format: f.format, serialization: f.serialization,
    ...optional("output", f.output), ...optional("intervalMs", f.interval),
    level: f.level, prefix: f.prefix, ...optional("exec", f.exec),
    renormalize: f.renormalize ?? false, templateTimeoutMs: f.templateTimeout,
    ...optional("ieMapping", f.ieMapping), enrich: f.enrich ?? [], ...optional("bmp", f.bmp),
    metricsHost: f.metricsHost,
    // A capture file is a batch job: no endpoint unless asked for.
    metricsPort: f.metricsPort ?? (f.pcap !== undefined ? 0 : 9090),
  };
}

/** The flag each setting a rule names comes from. */
const FLAG_OF: Readonly<Record<Setting, keyof CollectFlags>> = {
  format: "format", serialization: "serialization", output: "output", interval: "interval", exec: "exec", workers: "workers",
  enrich: "enrich", bmp: "bmp", listeners: "port", metricsPort: "metricsPort",
};

const LISTENER_FLAGS: readonly [keyof CollectFlags, string][] = [["flowType", "-t"], ["host", "-H"], ["port", "-p"], ["workers", "--workers"]];

/** With -c: the [collect] table of `source`, and the flags given over it. */
export function settingsFromFile(f: CollectFlags, given: Given, c: CollectConfig, source: string, cores: number): Resolved {
  const pick = <K extends keyof CollectFlags, T>(flag: K, fromFile: T): CollectFlags[K] | T => (given(flag) ? f[flag] : fromFile);
  const serialization = pick("serialization", c.serialization);
  const bmp = pick("bmp", c.bmp);
  const oneThread = needsOneThread({ serialization, ...optional("bmp", bmp) });
  const listenerFlags = LISTENER_FLAGS.filter(([k]) => given(k)).map(([, flag]) => flag);

  let protocol: FlowProtocol;
  let listeners: ListenerSettings[];
  /** Where each listener is written in the file, for messages ("" when the flags made it). */
  let at: string[];
  if (f.pcap !== undefined) {
    const types = [...new Set(c.listen.map((l) => l.protocol))];
    const only = types.length === 1 ? types[0] : undefined;
    if (f.flowType === undefined && only === undefined) return { usage: `--pcap needs -t: the listeners of ${source} ${types.length === 0 ? "are none" : "take netflow and sflow"}, so they cannot say what the capture holds` };
    protocol = f.flowType ?? only!;
    listeners = [];
    at = [];
  } else if (listenerFlags.length > 0) {
    const several = listenerFlags.length > 1;
    const flags = listenerFlags.join(", ");
    if (c.listen.length > 1) return { usage: `${flags} ${several ? "describe" : "describes"} one listener, and ${source} has ${c.listen.length}: leave ${several ? "them" : "it"} out, or change the file` };
    const base = c.listen[0];
    if (!base && f.flowType === undefined) return { usage: `${flags} ${several ? "need" : "needs"} -t: ${source} has no listener (collect.flow_type or [[collect.listeners]])` };
    protocol = f.flowType ?? base!.protocol;
    const port = given("port") ? f.port! : base?.port ?? DEFAULT_PORTS[protocol];
    const workers = given("workers") ? f.workers! : effectiveWorkers(base ?? {}, 1, cores, oneThread);
    listeners = [{ protocol, host: given("host") ? f.host : base?.host ?? "::", port, workers }];
    at = [base ? listenerKey(base) : ""];
  } else {
    if (c.listen.length === 0) return { usage: `${source} has no listener (set collect.flow_type, or add [[collect.listeners]]): give -t, or --pcap FILE` };
    protocol = c.listen[0]!.protocol;
    listeners = c.listen.map((l) => ({ protocol: l.protocol, host: l.host, port: listenerPort(l), workers: effectiveWorkers(l, c.listen.length, cores, oneThread) }));
    at = c.listen.map(listenerKey);
  }

  const pcap = f.pcap !== undefined;
  const settings: CollectSettings = {
    protocol,
    ...optional("pcap", f.pcap),
    listeners,
    format: pick("format", c.format),
    serialization,
    ...optional("output", pick("output", c.output)),
    ...optional("intervalMs", pick("interval", c.interval)),
    level: pick("level", c.level),
    prefix: pick("prefix", c.prefix),
    ...optional("exec", pick("exec", c.exec)),
    renormalize: given("renormalize") ? true : c.renormalize,
    templateTimeoutMs: pick("templateTimeout", c.template_timeout),
    ...optional("ieMapping", pick("ieMapping", c.ie_mapping)),
    enrich: pick("enrich", c.enrich) ?? [],
    ...optional("bmp", bmp),
    metricsHost: pick("metricsHost", c.metrics_host),
    metricsPort: (given("metricsPort") ? f.metricsPort : c.metrics_port) ?? (pcap ? 0 : 9090),
  };
  // A problem names each setting where it came from: the flag given, else the file's key.
  const fileNames = collectSettingNames(at, "collect.");
  const names: SettingNames = (setting, value, listener) => (given(FLAG_OF[setting]) ? flagNames : fileNames)(setting, value, listener);
  return { settings, names };
}
