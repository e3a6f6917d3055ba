#!/usr/bin/env -S node --max-semi-space-size=1 --optimize-for-size
// `rfm` command line. Usage errors (unknown command or flag, bad argument
// count) print the usage and exit 2; operational failures exit 1.
// The shebang sizes V8's heap for a long-running agent that allocates little
// per event: young generation capped at 1 MiB per semi-space (default: up to
// 16; ~10 MB of RSS), and an old generation that grows by smaller steps
// between collections (under 20,000 new flows/s the heap stays near 20 MB
// instead of swinging between 25 and 50; bench/soak). V8 reads these flags
// only when the process starts, so they cannot be set from here;
// `node dist/src/cli/main.js` runs without them, and so does `rfm collect`,
// which starts itself again without them (heap-flags.ts).
import { Command, CommanderError } from "commander";
import { agentCommand } from "./agent.js";
import { collectCommand } from "./collect.js";
import { configCommand } from "./config.js";
import { doctorCommand } from "./doctor.js";
import { versionCommand } from "./version.js";
import { controlCommands } from "./control.js";
import { VERSION } from "../version.js";
import { restartWithoutAgentHeapFlags } from "./heap-flags.js";

export function buildProgram(): Command {
  const program = new Command("rfm")
    .description("network flow telemetry for Linux routers and hosts")
    .version(VERSION, "-V, --version", "print the version and exit")
    .showHelpAfterError()
    .showSuggestionAfterError()
    .enablePositionalOptions()
    .addHelpText(
      "after",
      `
Examples:
  rfm agent -c /etc/rfm/rfm.toml   run the agent
  rfm collect -t netflow --pcap export.pcapng -f common   decode a capture of flow exports
  rfm config check rfm.toml        validate a configuration file
  rfm doctor                       check that this host can run the agent`,
    );
  program.addCommand(agentCommand());
  program.addCommand(collectCommand());
  program.addCommand(configCommand());
  program.addCommand(doctorCommand());
  program.addCommand(versionCommand());
  for (const c of controlCommands()) program.addCommand(c);
  applyExitCodes(program);
  return program;
}

/** Every (sub)command throws instead of exiting, so main() picks the code. */
function applyExitCodes(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitCodes(sub);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
      return 2;
    }
    process.stderr.write(`rfm: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

restartWithoutAgentHeapFlags(process.argv.slice(2));
const code = await main(process.argv.slice(2));
process.exit(code);
