#!/usr/bin/env node
// One build for everything: the BPF object (clang), the Node-API addon
// (node-gyp against Debian's libbpf) and the TypeScript (tsc).
// A missing toolchain stops the build with the Debian packages that provide it.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { arch } from "node:os";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const multiarch = { x64: "x86_64-linux-gnu", arm64: "aarch64-linux-gnu" }[arch()] ?? `${arch()}-linux-gnu`;
const nodedir = dirname(dirname(process.execPath));

const requirements = [
  { what: "clang", ok: () => has("clang"), pkg: "clang llvm" },
  { what: "a C compiler and make", ok: () => has("cc") && has("make"), pkg: "build-essential" },
  { what: "python3 (node-gyp)", ok: () => has("python3"), pkg: "python3" },
  { what: "libbpf headers", ok: () => existsSync("/usr/include/bpf/libbpf.h") && existsSync("/usr/include/bpf/bpf_helpers.h"), pkg: "libbpf-dev" },
  { what: "kernel UAPI headers", ok: () => existsSync("/usr/include/linux/bpf.h") && existsSync(`/usr/include/${multiarch}/asm/types.h`), pkg: "linux-libc-dev" },
  { what: `Node.js headers (${nodedir}/include/node)`, ok: () => existsSync(join(nodedir, "include", "node", "node_api.h")), pkg: "nodejs (with its headers) or libnode-dev" },
];

function has(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function run(cmd, args) {
  console.log(`build: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { stdio: "inherit" });
}

const missing = requirements.filter((r) => !r.ok());
if (missing.length) {
  for (const m of missing) console.error(`build: missing ${m.what}: install the Debian package(s) ${m.pkg}`);
  console.error("build: or run scripts/setup.sh as root, which installs them all");
  process.exit(1);
}

const only = process.argv[2];

if (!only || only === "bpf") {
  mkdirSync("dist/bpf", { recursive: true });
  run("clang", ["-target", "bpf", "-O2", "-g", "-Wall", "-Werror", `-I/usr/include/${multiarch}`, "-c", "bpf/rfm_tc.c", "-o", "dist/bpf/rfm_tc.o"]);
}
if (!only || only === "native") {
  run(process.execPath, [join(root, "node_modules", "node-gyp", "bin", "node-gyp.js"), "rebuild", `--nodedir=${nodedir}`, "--loglevel=warn"]);
}
if (!only || only === "ts") {
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"]);
  // The entry point runs as a program (its shebang passes V8 flags node cannot take later).
  chmodSync("dist/src/cli/main.js", 0o755);
}
