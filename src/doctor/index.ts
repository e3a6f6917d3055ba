// `rfm doctor`: can this host run the agent? Each check reports instead of
// throwing, so one broken probe never hides the others.
import { checkBpffs } from "./bpffs.js";
import { checkCapabilities, checkNamespaceCapability } from "./capabilities.js";
import { checkBtf, checkKernel, checkTcx, checkUnprivilegedBpf } from "./kernel.js";
import { checkAddon, errorMessage } from "./native-addon.js";
import { checkVerifier } from "./verifier.js";
import type { CheckResult } from "./check.js";

export type { CheckResult } from "./check.js";
export { formatDoctorText, doctorExitCode } from "./format.js";

export interface DoctorOptions {
  /** BPF object to verify instead of the packaged one. */
  bpfObjectPath?: string;
}

function guarded(name: string, required: boolean, check: () => CheckResult): CheckResult {
  try {
    return check();
  } catch (e) {
    return { name, ok: false, required, detail: `check crashed: ${errorMessage(e)}` };
  }
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const results = [
    guarded("kernel", true, () => checkKernel()),
    guarded("tcx", false, () => checkTcx()),
    guarded("btf", true, () => checkBtf()),
    guarded("bpffs", false, () => checkBpffs()),
    guarded("capabilities", true, () => checkCapabilities()),
    guarded("netns", false, () => checkNamespaceCapability()),
    guarded("unprivileged_bpf", false, () => checkUnprivilegedBpf()),
  ];
  const addon = guarded("addon", true, () => checkAddon());
  results.push(addon);
  // Without the addon nothing can load the object; say so instead of repeating its error.
  results.push(
    addon.ok
      ? guarded("verifier", true, () => checkVerifier(opts.bpfObjectPath))
      : { name: "verifier", ok: false, required: true, detail: "not run: the native addon did not load", fix: addon.fix },
  );
  return results;
}
