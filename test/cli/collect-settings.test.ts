// `rfm collect -c FILE` with flags: a flag given on the command line
// overrides the [collect] key of the same name; the listener flags change
// the file's one listener and are refused with several; a problem names each
// setting where it came from.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { settingsFromFile, settingsFromFlags, type CollectFlags, type Resolved } from "../../src/cli/collect-settings.js";
import { settingsProblem, type CollectSettings } from "../../src/collect/settings.js";
import { parseEnrichSpec } from "../../src/collect/enrich/enrich-spec.js";
import { parseCollectConfig } from "../../src/config/index.js";

/** commander's defaults, as the action sees them when no flag is given. */
const DEFAULTS: CollectFlags = { config: "rfm.toml", host: "::", format: "raw", serialization: "ndjson", level: 0, prefix: "flows", templateTimeout: 1_800_000, metricsHost: "::1" };

/** The settings from `toml`'s [collect] with `flags` given on the command line, on a machine of `cores` cores. */
function resolve(toml: string, flags: Partial<CollectFlags> = {}, cores = 8): Resolved {
  const c = parseCollectConfig(`[collect]\n${toml}\n`, "rfm.toml").config.collect;
  return settingsFromFile({ ...DEFAULTS, ...flags }, (flag) => flag in flags, c, "rfm.toml", cores);
}

function settings(toml: string, flags: Partial<CollectFlags> = {}, cores = 8): CollectSettings {
  const r = resolve(toml, flags, cores);
  if ("usage" in r) return assert.fail(r.usage);
  return r.settings;
}

function usage(toml: string, flags: Partial<CollectFlags>): string {
  const r = resolve(toml, flags);
  return "usage" in r ? r.usage : assert.fail("expected a usage error");
}

const TWO = '[[collect.listeners]]\ntype = "netflow"\n[[collect.listeners]]\ntype = "sflow"\nhost = "127.0.0.1"';

describe("rfm collect -c: the file's settings, and the flags given over them", () => {
  test("without flags, the file's keys; what it leaves out, the flags' defaults", () => {
    const s = settings(`format = "common"\nserialization = "csv"\noutput = "out"\ninterval = "1m"\nlevel = 1\nprefix = "x"\nrenormalize = true\n${TWO}`);
    assert.deepEqual(
      [s.format, s.serialization, s.output, s.intervalMs, s.level, s.prefix, s.renormalize, s.templateTimeoutMs, s.metricsHost, s.metricsPort, s.pcap],
      ["common", "csv", "out", 60_000, 1, "x", true, 1_800_000, "::1", 9090, undefined],
    );
    // Two listeners on 8 cores: 4 threads each.
    assert.deepEqual(s.listeners, [{ protocol: "netflow", host: "::", port: 2055, workers: 4 }, { protocol: "sflow", host: "127.0.0.1", port: 6343, workers: 4 }]);
  });

  test("a flag given overrides the key of the same name; --enrich replaces the whole list", () => {
    const file = `format = "common"\noutput = "out.ndjson"\nmetrics_port = 9191\nenrich = ["type=exact,source=a.csv,key=proto,key_column=p,fields=n:a"]\n${TWO}`;
    const spec = parseEnrichSpec("type=exact,source=b.csv,key=proto,key_column=p,fields=n:b");
    const s = settings(file, { serialization: "csv", output: "-", metricsPort: 0, enrich: [spec], renormalize: true, templateTimeout: 60_000 });
    assert.deepEqual([s.format, s.serialization, s.output, s.metricsPort, s.renormalize, s.templateTimeoutMs], ["common", "csv", "-", 0, true, 60_000]);
    assert.deepEqual(s.enrich?.map((e) => e.source), ["b.csv"]);
  });

  test("the listener flags change the file's one listener: a port given, or a type whose port follows when the file set none", () => {
    assert.deepEqual(settings('flow_type = "netflow"\nhost = "127.0.0.1"', { port: 9995 }).listeners, [{ protocol: "netflow", host: "127.0.0.1", port: 9995, workers: 8 }]);
    assert.deepEqual(settings('[[collect.listeners]]\ntype = "netflow"\nworkers = 2', { flowType: "sflow" }).listeners, [{ protocol: "sflow", host: "::", port: 6343, workers: 2 }]);
    assert.deepEqual(settings('flow_type = "netflow"\nport = 9995', { flowType: "sflow", workers: 1 }).listeners, [{ protocol: "sflow", host: "::", port: 9995, workers: 1 }]);
  });

  test("with several listeners in the file, a listener flag is refused: which one it means would be a guess", () => {
    assert.equal(usage(TWO, { port: 9995 }), "-p describes one listener, and rfm.toml has 2: leave it out, or change the file");
    assert.equal(usage(TWO, { host: "::1", workers: 1 }), "-H, --workers describe one listener, and rfm.toml has 2: leave them out, or change the file");
  });

  test("a file without a listener runs with -t (the flags' listener), or not at all", () => {
    assert.deepEqual(settings('format = "common"', { flowType: "sflow", port: 0 }).listeners, [{ protocol: "sflow", host: "::", port: 0, workers: 8 }]);
    assert.equal(usage('format = "common"', {}), "rfm.toml has no listener (set collect.flow_type, or add [[collect.listeners]]): give -t, or --pcap FILE");
    assert.equal(usage('format = "common"', { port: 1 }), "-p needs -t: rfm.toml has no listener (collect.flow_type or [[collect.listeners]])");
  });

  test("--pcap: the flow type from -t, else from the file's listeners when they are all of one type; no listener, no metrics by default", () => {
    const one = settings('[[collect.listeners]]\ntype = "sflow"', { pcap: "x.pcap" });
    assert.deepEqual([one.protocol, one.listeners, one.metricsPort], ["sflow", [], 0]);
    assert.equal(settings(TWO, { pcap: "x.pcap", flowType: "netflow" }).protocol, "netflow");
    assert.equal(settings('format = "common"', { pcap: "x.pcap", flowType: "netflow" }).protocol, "netflow");
    assert.match(usage(TWO, { pcap: "x.pcap" }), /^--pcap needs -t: the listeners of rfm\.toml take netflow and sflow/);
    assert.equal(settings("metrics_port = 9191", { pcap: "x.pcap", flowType: "netflow" }).metricsPort, 9191);
  });

  test("threads left unset are 1 each when the output needs one thread (parquet, bmp), from the file or a flag", () => {
    assert.deepEqual(settings(`format = "common"\nserialization = "parquet"\noutput = "f.parquet"\n${TWO}`).listeners.map((l) => l.workers), [1, 1]);
    assert.deepEqual(settings(`format = "common"\n${TWO}`, { bmp: { host: "::1", port: 1790 } }).listeners.map((l) => l.workers), [1, 1]);
    assert.deepEqual(settings(TWO, {}, 3).listeners.map((l) => l.workers), [1, 1]);
  });

  test("a rule broken between a flag and the file names each setting where it came from", () => {
    const r = resolve(`format = "raw"\n${TWO}`, { serialization: "csv" });
    assert.ok(!("usage" in r));
    assert.equal(settingsProblem(r.settings, r.names)?.message, 'collect.format = "raw" writes ndjson or discard; csv needs collect.format = "common"');
    const p = resolve(`format = "common"\n[[collect.listeners]]\ntype = "netflow"\nworkers = 2`, { serialization: "parquet", output: "f.parquet" });
    assert.ok(!("usage" in p));
    assert.equal(settingsProblem(p.settings, p.names)?.message, '-s parquet is written by one thread: use collect.listeners[0].workers = 1 (its row groups cannot be split across workers)');
  });

  test("flags alone: --workers defaults to the core count, and to 1 where one thread must write (-s parquet) or hold the RIB (--bmp)", () => {
    const workers = (f: Partial<CollectFlags>) => settingsFromFlags({ ...DEFAULTS, flowType: "netflow", ...f }, 8).listeners.map((l) => l.workers);
    assert.deepEqual(workers({}), [8]);
    assert.deepEqual(workers({ format: "common", serialization: "parquet", output: "out.parquet" }), [1]);
    assert.deepEqual(workers({ bmp: { host: "::1", port: 11019 } }), [1]);
    assert.deepEqual(workers({ workers: 3 }), [3]);
  });
});
