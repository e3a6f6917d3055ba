// `rfm collect`: RustFlow's collector flags, so its users can switch; or the
// same settings from a [collect] table (`-c FILE`), which may list several
// listeners, with the flags given overriding its keys.
import { availableParallelism } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { runCollect } from "../collect/run.js";
import { parseDuration } from "../config/duration.js";
import { ConfigError, formatIssue, loadCollectConfigFile } from "../config/index.js";
import { settingsFromFile, settingsFromFlags, type CollectFlags } from "./collect-settings.js";
import { parseEnrichSpec, type EnrichSpec } from "../collect/enrich/enrich-spec.js";
import { parseListenAddress, type ListenAddress } from "../collect/enrich/listen-address.js";

function count(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new InvalidArgumentError("a number of threads, 1 to 64");
  return Number(v);
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65_535) throw new InvalidArgumentError("a port number, 0 to 65535");
  return Number(v);
}

function level(v: string): number {
  if (!/^[0-3]$/.test(v)) throw new InvalidArgumentError("0, 1, 2 or 3");
  return Number(v);
}

function enrichSpec(v: string, previous: EnrichSpec[] | undefined): EnrichSpec[] {
  try {
    return [...(previous ?? []), parseEnrichSpec(v)];
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function listenAddress(v: string): ListenAddress {
  try {
    return parseListenAddress(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function duration(v: string): number {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function collectCommand(): Command {
  return new Command("collect")
    .description("receive NetFlow v5/v9, IPFIX and sFlow v5 over UDP, or read them from a capture file, and write them as JSON, CSV, Protobuf or Parquet")
    .option("-c, --config <path>", "the settings from the [collect] table of this TOML file (one or more listeners); flags given override its keys")
    .addOption(new Option("-t, --flow-type <type>", "what the datagrams carry: netflow (v5, v9 and IPFIX by version) or sflow (required without -c)").choices(["netflow", "sflow"]))
    .option("-H, --host <address>", "address to listen on (:: takes IPv4 too)", "::")
    .option("--workers <n>", "threads receiving and decoding UDP, each with its own socket on the port (one exporter stays on one; default: the core count, 1 with -s parquet or --bmp)", count)
    .option("-p, --port <port>", "UDP port (default 2055 for netflow, 6343 for sflow)", port)
    .option("--pcap <file>", "read UDP datagrams from a pcap or pcapng file instead of listening")
    .addOption(new Option("-f, --format <format>", "raw: one object per datagram; common: one normalised flow per record").choices(["raw", "common"]).default("raw"))
    .addOption(new Option("-s, --serialization <kind>", "how records are written; csv, protobuf (length-delimited rustflow.CommonFlow) and parquet need -f common, parquet needs -o").choices(["ndjson", "csv", "protobuf", "parquet", "discard"]).default("ndjson"))
    .option("-o, --output <path>", "write to this file, or with -i this directory (default: standard output)")
    .option("-i, --interval <duration>", "rotate files in the -o directory every DURATION (epoch-aligned windows, e.g. 5m)", duration)
    .option("-l, --level <n>", "partition directories: 0 none, 1 YYYY/MM/DD, 2 .../HH, 3 .../HH/MM (5-minute buckets)", level, 0)
    .option("--prefix <name>", "file name prefix of rotated files", "flows")
    .option("-x, --exec <command>", "run after each rotated file is complete (%f its path, %t window start YYYYMMDDTHHMMSSZ, %u window start in Unix seconds)")
    .option("--renormalize", "multiply bytes and packets by the sampling rate")
    .option("--ie-mapping <file.csv>", "information elements to add or override: id,enterprise_number,name,data_type (RustFlow's format)")
    .option("--template-timeout <duration>", "a template the exporter has not sent again within DURATION expires (its data is then counted as unknown_template)", duration, 30 * 60_000)
    .option(
      "--enrich <spec>",
      "add columns from a table (repeatable): type=prefix_lookup,source=FILE.csv|FILE.mmdb,key=src_addr|dst_addr|next_hop|sampler_address,fields=col:name;... " +
        "or type=exact,source=FILE.csv,key=FIELD,key_column=COL,fields=...; add reload=DURATION or reload=watch to follow the file",
      enrichSpec,
    )
    .option("--bmp <host:port>", "listen for BMP (as the agent does) and fill src_as/dst_as the exporter left 0 from the routes ([::1]:PORT for IPv6; PORT alone: ::1)", listenAddress)
    .option("--metrics-host <address>", "address of the Prometheus endpoint", "::1")
    .option("--metrics-port <port>", "port of the Prometheus endpoint (default 9090 when listening, off for --pcap); 0 turns it off", port)
    .addHelpText(
      "after",
      `
Examples:
  rfm collect -t netflow -p 2055 -f common                 listen, one JSON flow per line on stdout
  rfm collect -t netflow --pcap export.pcapng -f common -s csv -o flows.csv
  rfm collect -t netflow --pcap export.pcapng -f common -s parquet -o flows.parquet
  rfm collect -t netflow --pcap export.pcap               raw JSON, one line per datagram
  rfm collect -t netflow --pcap big.pcap -f common -o out/ -i 5m -l 1 -x 'gzip %f'
  rfm collect -t netflow -f common --enrich 'type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn;org:dst_org,reload=watch'
  rfm collect -t netflow -f common --enrich 'type=prefix_lookup,source=GeoLite2-City.mmdb,key=src_addr,fields=country.iso_code:src_country'
  rfm collect -t netflow -f common --bmp 127.0.0.1:11019  src_as/dst_as from a router's BMP feed
  rfm collect -c /etc/rfm/rfm.toml                        the [collect] table: every listener it lists, one output
  rfm collect -c /etc/rfm/rfm.toml -o -                   the same, written to standard output instead`,
    )
    .action(async (opts: CollectFlags, cmd: Command) => {
      const cores = availableParallelism();
      if (opts.config === undefined) {
        if (opts.flowType === undefined) cmd.error("error: required option '-t, --flow-type <type>' not specified (or -c FILE, with a [collect] table)");
        process.exitCode = await runCollect(settingsFromFlags({ ...opts, flowType: opts.flowType! }, cores));
        return;
      }
      let loaded;
      try {
        loaded = await loadCollectConfigFile(opts.config);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        for (const issue of e.issues) process.stderr.write(`rfm collect: ${formatIssue(e.source, issue)}\n`);
        process.exitCode = 1;
        return;
      }
      const resolved = settingsFromFile(opts, (flag) => cmd.getOptionValueSource(flag) === "cli", loaded.config.collect, opts.config, cores);
      if ("usage" in resolved) cmd.error(`error: ${resolved.usage}`);
      else process.exitCode = await runCollect(resolved.settings, resolved.names);
    });
}
