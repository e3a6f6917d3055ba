import type { Config } from "./schema/config.js";

/**
 * Whether any `agent.interfaces` pattern matches the whole interface name: in
 * the agent's own namespace (netns ""), patterns without a namespace part; in
 * a named namespace, patterns whose namespace part matches its name.
 */
export function matchInterface(config: Config, ifname: string, netns = ""): boolean {
  return config.agent.interfacePatterns.some((p) => (netns === "" ? p.netns === undefined : p.netns?.test(netns) === true) && p.iface.test(ifname));
}
