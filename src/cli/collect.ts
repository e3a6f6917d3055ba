// `rfm collect`: RustFlow's collector flags, so its users can switch.
import { Command, Option } from "commander";
import { runCollect, type Serialization } from "../collect/run.js";

interface CollectOptions {
  flowType: "netflow" | "sflow";
  pcap: string;
  format: "raw" | "common";
  serialization: Serialization;
  output?: string;
  renormalize?: boolean;
}

export function collectCommand(): Command {
  return new Command("collect")
    .description("decode NetFlow v5, IPFIX (and, in later releases, v9 and sFlow) from a capture file into JSON or CSV")
    .addOption(new Option("-t, --flow-type <type>", "what the datagrams carry: netflow (v5, v9 and IPFIX by version) or sflow").choices(["netflow", "sflow"]).makeOptionMandatory())
    .requiredOption("--pcap <file>", "read UDP datagrams from a pcap or pcapng file")
    .addOption(new Option("-f, --format <format>", "raw: one object per datagram; common: one normalised flow per record").choices(["raw", "common"]).default("raw"))
    .addOption(new Option("-s, --serialization <kind>", "how records are written").choices(["ndjson", "csv", "discard"]).default("ndjson"))
    .option("-o, --output <path>", "write to this file (default: standard output)")
    .option("--renormalize", "multiply bytes and packets by the sampling rate")
    .addHelpText(
      "after",
      `
Examples:
  rfm collect -t netflow --pcap export.pcapng -f common -s csv -o flows.csv
  rfm collect -t netflow --pcap export.pcap               raw JSON, one line per datagram`,
    )
    .action(async (opts: CollectOptions) => {
      process.exitCode = await runCollect({
        protocol: opts.flowType,
        pcap: opts.pcap,
        format: opts.format,
        serialization: opts.serialization,
        ...(opts.output !== undefined ? { output: opts.output } : {}),
        renormalize: opts.renormalize ?? false,
      });
    });
}
