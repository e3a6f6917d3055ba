// Which interfaces `agent.interfaces` selects. The agent's watchers ask this
// and nothing else, so what the config tests check is what the agent does.
import { compilePattern, type InterfacePattern } from "./interface-patterns.js";

export class InterfaceMatcher {
  /** Patterns compiled from `agent.interfaces`, or their source strings (which must pass patternProblem). */
  constructor(readonly patterns: readonly InterfacePattern[]) {}

  static of(sources: readonly string[]): InterfaceMatcher {
    return new InterfaceMatcher(sources.map(compilePattern));
  }

  /** Whether any pattern names a namespace: only then are named namespaces watched. */
  get namesNamespaces(): boolean {
    return this.patterns.some((p) => p.netns);
  }

  /**
   * The patterns for links inside one namespace: in the agent's own (""),
   * those without a namespace part; in a named one, those whose namespace
   * part matches its whole name.
   */
  inNamespace(netns: string): InterfaceMatcher {
    return new InterfaceMatcher(this.patterns.filter((p) => (netns === "" ? p.netns === undefined : p.netns?.test(netns) === true)));
  }

  /** The first pattern whose interface part matches the whole name. */
  find(ifname: string): InterfacePattern | undefined {
    return this.patterns.find((p) => p.iface.test(ifname));
  }

  matches(ifname: string): boolean {
    return this.find(ifname) !== undefined;
  }
}
