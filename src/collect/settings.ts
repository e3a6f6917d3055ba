// What `rfm collect` runs with, from its flags or a `[collect]` table (or
// both), and the rules for what cannot run. Kept apart from the pipeline
// (run.ts) so the config schema can check a file with the same rules without
// loading the collector.
import type { FlowProtocol } from "./decode/flow-decoder.js";
import type { Serialization } from "./format/serialization.js";
import { enrichSpecsProblem, type EnrichSpec } from "./enrich/enrich-spec.js";
import type { ListenAddress } from "./enrich/listen-address.js";

/** The port a listener takes when none is given: RustFlow's (and the usual exporters') defaults. */
export const DEFAULT_PORTS: Readonly<Record<FlowProtocol, number>> = { netflow: 2055, sflow: 6343 };

/** One UDP socket (or `workers` sockets sharing its port), with its own decoders and template state. */
export interface ListenerSettings {
  protocol: FlowProtocol;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Threads receiving and decoding (`--workers`), each with its own socket on the port; 1: the main thread. */
  workers: number;
}

export interface CollectSettings {
  /** The flow type of `pcap`'s datagrams. */
  protocol: FlowProtocol;
  /** A capture file to read; without it, UDP on `listeners` until a signal. */
  pcap?: string;
  /** Every UDP listener, in order; one output, one metrics endpoint and one enrichment serve them all. */
  listeners: readonly ListenerSettings[];
  format: "raw" | "common";
  serialization: Serialization;
  output?: string;
  /** Rotation window (`-i`); needs `output` as a directory. */
  intervalMs?: number;
  level: number;
  prefix: string;
  exec?: string;
  renormalize: boolean;
  /** Templates not sent again within this long expire (`--template-timeout`). */
  templateTimeoutMs: number;
  /** `--ie-mapping FILE.csv`. */
  ieMapping?: string;
  /** `--enrich` specs, in order: their columns follow the common ones. */
  enrich?: readonly EnrichSpec[];
  /** `--bmp`: a BMP listener whose RIB fills src_as/dst_as the exporter left 0 or unset. */
  bmp?: ListenAddress;
  /** The Prometheus endpoint; port 0 turns it off. */
  metricsHost: string;
  metricsPort: number;
}

/** The settings a rule can name. */
export type Setting = "format" | "serialization" | "output" | "interval" | "exec" | "workers" | "enrich" | "bmp" | "listeners" | "metricsPort";

/**
 * How a problem names a setting: `-s` or `-s parquet` for the flags,
 * `serialization` or `serialization = "parquet"` for a config file; `listener`
 * is the index of the listener a per-listener setting (workers) belongs to.
 */
export type SettingNames = (setting: Setting, value?: string, listener?: number) => string;

const FLAGS: Readonly<Record<Setting, string>> = {
  format: "-f", serialization: "-s", output: "-o", interval: "-i", exec: "-x", workers: "--workers", enrich: "--enrich", bmp: "--bmp", listeners: "-H/-p", metricsPort: "--metrics-port",
};

export const flagNames: SettingNames = (setting, value) => (value === undefined ? FLAGS[setting] : `${FLAGS[setting]} ${value}`);

/** A problem, and the setting it is reported at (with the listener's index for a per-listener one). */
export interface SettingsProblem {
  setting: Setting;
  listener?: number;
  message: string;
}

/** Why settings cannot run, or undefined when they can. */
export function settingsProblem(s: CollectSettings, n: SettingNames = flagNames): SettingsProblem | undefined {
  const at = (setting: Setting, message: string, listener?: number): SettingsProblem => ({ setting, message, ...(listener === undefined ? {} : { listener }) });
  const toStdout = s.output === undefined || s.output === "-";
  if (s.format === "raw" && s.serialization !== "ndjson" && s.serialization !== "discard") return at("serialization", `${n("format", "raw")} writes ndjson or discard; ${s.serialization} needs ${n("format", "common")}`);
  if (s.serialization === "parquet" && toStdout) return at("serialization", `${n("serialization", "parquet")} needs ${n("output")}: its footer points back into the file, so it cannot stream to standard output`);
  if (s.intervalMs !== undefined && toStdout) return at("interval", `${n("interval")} needs ${n("output")} DIRECTORY to rotate files in`);
  const listening = s.pcap === undefined;
  for (const [i, l] of s.listeners.entries()) {
    if (!Number.isInteger(l.workers) || l.workers < 1 || l.workers > 64) return at("workers", `${n("workers", undefined, i)} must be 1 to 64`, i);
    if (listening && l.workers > 1 && s.serialization === "parquet") return at("workers", `${n("serialization", "parquet")} is written by one thread: use ${n("workers", "1", i)} (its row groups cannot be split across workers)`, i);
    if (listening && l.workers > 1 && s.bmp) return at("workers", `${n("bmp")} needs ${n("workers", "1", i)} (one RIB per process)`, i);
  }
  if (s.intervalMs !== undefined && s.intervalMs < 1000) return at("interval", `${n("interval")} must be at least 1s`);
  if (s.exec !== undefined && s.intervalMs === undefined) return at("exec", `${n("exec")} runs per finished file: it needs ${n("interval")}`);
  if (s.format === "raw" && ((s.enrich?.length ?? 0) > 0 || s.bmp)) return at((s.enrich?.length ?? 0) > 0 ? "enrich" : "bmp", `${n("enrich")} and ${n("bmp")} enrich flow records: they need ${n("format", "common")}`);
  const enrich = enrichSpecsProblem(s.enrich ?? []);
  if (enrich) return at("enrich", enrich.replace(/^--enrich: /, `${n("enrich")}: `));
  if (listening) {
    if (s.listeners.length === 0) return at("listeners", "nothing to listen on");
    const overlap = listenerOverlap(s.listeners);
    if (overlap) {
      const [a, b] = [s.listeners[overlap.index]!, s.listeners[overlap.other]!];
      return at("listeners", `${overlapMessage(a, b, n("listeners", undefined, overlap.other))}: ${OVERLAP_WHY}`, overlap.index);
    }
  }
  return undefined;
}

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

/** `[::]:2055` */
export function listenerName(l: Pick<ListenerSettings, "host" | "port">): string {
  return hostPort(l.host, l.port);
}

/** Why two listeners may not cover one address and port. */
export const OVERLAP_WHY = "two sockets on one port leave it to the kernel which one gets an exporter's datagrams (its templates could go to one and its data to the other)";

const IPV6_ANY = new Set(["::", "::0", "0:0:0:0:0:0:0:0"]);
const IPV4_ANY = "0.0.0.0";

/** Whether binding both would share datagrams: the same port and address, or a wildcard address that covers the other. */
function overlaps(a: Pick<ListenerSettings, "host" | "port">, b: Pick<ListenerSettings, "host" | "port">): boolean {
  if (a.port !== b.port || a.port === 0) return false; // port 0: each gets a free port of its own
  const [x, y] = [a.host.toLowerCase(), b.host.toLowerCase()];
  if (x === y || IPV6_ANY.has(x) || IPV6_ANY.has(y)) return true; // "::" takes IPv4 too
  const v4 = (h: string) => !h.includes(":");
  return (x === IPV4_ANY && v4(y)) || (y === IPV4_ANY && v4(x));
}

/** "127.0.0.1:2055 overlaps [::]:2055 of OTHER", "127.0.0.1:2055 is already the address of OTHER" */
function overlapMessage(a: Pick<ListenerSettings, "host" | "port">, b: Pick<ListenerSettings, "host" | "port">, other: string): string {
  return a.host.toLowerCase() === b.host.toLowerCase() ? `${listenerName(a)} is already the address of ${other}` : `${listenerName(a)} overlaps ${listenerName(b)} of ${other}`;
}

/**
 * The first listener whose address and port one before it already covers,
 * with that one's index (see OVERLAP_WHY).
 */
export function listenerOverlap(listeners: readonly Pick<ListenerSettings, "host" | "port">[]): { index: number; other: number } | undefined {
  for (let i = 1; i < listeners.length; i++) {
    for (let j = 0; j < i; j++) if (overlaps(listeners[i]!, listeners[j]!)) return { index: i, other: j };
  }
  return undefined;
}
