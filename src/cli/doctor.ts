// `rfm doctor`: can this host run the agent?
import { Command } from "commander";
import { runDoctor, formatDoctorText, doctorExitCode } from "../doctor/index.js";

export function doctorCommand(): Command {
  return new Command("doctor")
    .description("check the kernel, BTF, bpffs, capabilities, the addon and the BPF verifier")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      `
One line per check: ok, warn (optional) or FAIL with a fix. Exit 1 when a required check fails.

Examples:
  rfm doctor
  rfm doctor --json | jq '.[] | select(.ok | not)'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const results = await runDoctor();
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else process.stdout.write(formatDoctorText(results));
      process.exitCode = doctorExitCode(results);
    });
}
