// `rfm agent`
import { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "../config/index.js";
import { runAgent } from "../agent/run.js";

export function agentCommand(): Command {
  return new Command("agent")
    .description("load the eBPF programs and run the flow agent until SIGINT/SIGTERM")
    .option("-c, --config <path>", "configuration file", DEFAULT_CONFIG_PATH)
    .addHelpText(
      "after",
      `
Needs root, or CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON.

Examples:
  rfm agent                          use ${DEFAULT_CONFIG_PATH}
  rfm agent -c examples/rfm.toml`,
    )
    .action(async (opts: { config: string }) => {
      process.exitCode = await runAgent({ configPath: opts.config });
    });
}
