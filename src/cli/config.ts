// `rfm config check [PATH]`: validate like `nginx -t`; every problem is listed.
// The file may hold [agent], [collect] (`rfm collect -c`) or both.
import { Command } from "commander";
import { DEFAULT_CONFIG_PATH, loadAnyConfigFile, ConfigError, formatIssue } from "../config/index.js";
import { configShowCommand } from "./control.js";

export function configCommand(): Command {
  const config = new Command("config").description("configuration file tools");
  config
    .command("check")
    .description("validate a configuration file ([agent], [collect] or both): prints ok, or every error with its line; exit 0 or 1")
    .argument("[path]", "configuration file", DEFAULT_CONFIG_PATH)
    .addHelpText(
      "after",
      `
Examples:
  rfm config check                   check ${DEFAULT_CONFIG_PATH}
  rfm config check examples/rfm.toml
  rfm config check examples/collect.toml`,
    )
    .action(async (path: string) => {
      try {
        const loaded = await loadAnyConfigFile(path);
        for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write("ok\n");
        process.exitCode = 0;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        for (const issue of e.issues) process.stdout.write(`${formatIssue(e.source, issue)}\n`);
        process.exitCode = 1;
      }
    });
  config.addCommand(configShowCommand());
  return config;
}
