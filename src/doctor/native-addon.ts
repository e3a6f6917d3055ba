// Does the Node-API bridge to libbpf load, and which libbpf does it carry?
import { loadAddon } from "../bpf/addon.js";
import type { CheckResult } from "./check.js";

const BUILD_FIX = "npm run build (needs the Debian packages clang, libbpf-dev, pkg-config)";

export function checkAddon(): CheckResult {
  try {
    const addon = loadAddon();
    return { name: "addon", ok: true, required: true, detail: `native addon loaded, libbpf ${addon.libbpfVersion()}` };
  } catch (e) {
    return { name: "addon", ok: false, required: true, detail: errorMessage(e), fix: BUILD_FIX };
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
