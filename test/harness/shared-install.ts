// The built package as another user sees an installed copy. Tests that run the
// CLI as user nobody cannot run it from the clone: a clone made by
// `git clone . "$(mktemp -d)"` (or one under /root) sits in a directory only
// root may enter. So the files `rfm` needs at run time (package.json, the
// compiled sources, the BPF object, the addon, the production dependencies)
// are copied for the test into a directory every user can read.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { tempDir } from "./temp-dir.js";

interface LockEntry { dev?: boolean; devOptional?: boolean }

/** The package-relative paths `rfm` reads when it runs: no tests, no dev dependencies. */
export function runtimeFiles(root = PACKAGE_ROOT): string[] {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const dependencies = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && !entry.dev && !entry.devOptional)
    .map(([path]) => path);
  return ["package.json", "dist/src", "dist/bpf", "build/Release/rfm_native.node", ...dependencies];
}

/**
 * The path of `dist/src/cli/main.js` in a copy of the runtime files that any
 * user can read, removed when the test ends.
 */
export function cliForAnyUser(t: TestContext): string {
  const dir = tempDir("rfm-install-", t);
  for (const rel of runtimeFiles()) {
    const to = join(dir, rel);
    mkdirSync(join(to, ".."), { recursive: true });
    execFileSync("cp", ["-R", join(PACKAGE_ROOT, rel), to]);
  }
  execFileSync("chmod", ["-R", "a+rX", dir]);
  return join(dir, "dist", "src", "cli", "main.js");
}
