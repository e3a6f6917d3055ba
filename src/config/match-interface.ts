import type { Config } from "./schema/config.js";

/** Whether any `agent.interfaces` pattern matches the whole interface name. */
export function matchInterface(config: Config, ifname: string): boolean {
  return config.agent.interfacePatterns.some((pattern) => pattern.test(ifname));
}
