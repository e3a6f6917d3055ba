// `rfm version`: our version plus what the datapath depends on.
import { Command } from "commander";
import { release } from "node:os";
import { VERSION } from "../version.js";
import { loadAddon } from "../bpf/addon.js";

export function versionCommand(): Command {
  return new Command("version")
    .description("print the rfm, Node.js, libbpf and kernel versions")
    .option("--json", "machine-readable output")
    .addHelpText(
      "after",
      `
Examples:
  rfm version
  rfm version --json`,
    )
    .action((opts: { json?: boolean }) => {
      let libbpf = "unavailable";
      try {
        libbpf = loadAddon().libbpfVersion();
      } catch {
        // The addon is optional for printing a version.
      }
      const info = { rfm: VERSION, node: process.versions.node, libbpf, kernel: release() };
      if (opts.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else process.stdout.write(`rfm ${info.rfm}\nnode ${info.node}\nlibbpf ${info.libbpf}\nkernel ${info.kernel}\n`);
    });
}
