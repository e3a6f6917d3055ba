// `agent.interfaces` holds regular expressions matched against the whole
// interface name, optionally prefixed by one for the name of a network
// namespace: "NETNS_REGEX/IF_REGEX". Neither kind of name can contain "/",
// so the first one splits the two. People often write shell globs there
// instead ("eth*"), which are valid regexes meaning something else, so those
// get a warning.

/** A compiled pattern: `netns` is absent for interfaces of the agent's own namespace. */
export interface InterfacePattern {
  source: string;
  netns?: RegExp;
  iface: RegExp;
}

/** The namespace and interface parts of a pattern (no namespace part: the agent's own). */
export function splitPattern(pattern: string): { netns?: string; iface: string } {
  const slash = pattern.indexOf("/");
  if (slash < 0) return { iface: pattern };
  return { netns: pattern.slice(0, slash), iface: pattern.slice(slash + 1) };
}

/** Why `pattern` is unusable, or undefined if it compiles. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern === "") return "must not be empty";
  const { netns, iface } = splitPattern(pattern);
  if (netns !== undefined) {
    if (netns === "") return `"${pattern}": the network namespace part before "/" is empty (write NETNS_REGEX/IF_REGEX, or just IF_REGEX for the agent's own namespace)`;
    if (iface === "") return `"${pattern}": the interface part after "/" is empty (write NETNS_REGEX/IF_REGEX)`;
    if (iface.includes("/")) return `"${pattern}": only one "/" is allowed, between the network namespace and the interface (names cannot contain "/")`;
    return regexProblem(netns) ?? regexProblem(iface);
  }
  return regexProblem(pattern);
}

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "u");
    return undefined;
  } catch (err) {
    // V8 says "Invalid regular expression: /eth(/u: Unterminated group"; keep the reason.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /su, "");
    return `invalid regular expression "${pattern}": ${reason}`;
  }
}

/**
 * Compiles a pattern that must match the entire name. The pattern compiles on
 * its own first (patternProblem), so its parentheses balance and the wrapper
 * cannot be escaped by input such as "a)|(b".
 */
export function anchoredPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, "u");
}

/** Compiles a pattern that passed patternProblem. */
export function compilePattern(source: string): InterfacePattern {
  const { netns, iface } = splitPattern(source);
  return netns === undefined ? { source, iface: anchoredPattern(iface) } : { source, netns: anchoredPattern(netns), iface: anchoredPattern(iface) };
}

const LITERAL = /[A-Za-z0-9_\-:@]/;

/**
 * Indexes of `*` and `?` that read like glob wildcards: right after a plain
 * literal character ("eth*", "eth0*"). `.*`, `[0-9]*`, `(a|b)*`, `\d*` and
 * `(?!...)` are regex syntax and ignored. A `?` counts only at the end of an
 * otherwise literal pattern and after a letter ("veth?"): "wlan0?" (optional
 * digit) is a common, deliberate regex.
 */
function globWildcards(pattern: string): number[] {
  const found: number[] = [];
  let previousIsLiteral = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") {
      i++; // the escaped character is an escape sequence, never a glob literal
      previousIsLiteral = false;
    } else if (inClass) {
      if (c === "]") inClass = false;
      previousIsLiteral = false;
    } else if (c === "[") {
      inClass = true;
    } else if (c === "*" && previousIsLiteral) {
      found.push(i);
      previousIsLiteral = false;
    } else if (c === "?" && i === pattern.length - 1 && /^[A-Za-z0-9_\-:@]*[A-Za-z]\?$/u.test(pattern)) {
      found.push(i);
      previousIsLiteral = false;
    } else {
      previousIsLiteral = LITERAL.test(c);
    }
  }
  return found;
}

/** A warning for a glob-looking pattern (either part of NETNS/IF), or undefined. */
export function globWarning(pattern: string): string | undefined {
  const { netns, iface } = splitPattern(pattern);
  if (netns === undefined) return partGlobWarning(pattern);
  return partGlobWarning(netns) ?? partGlobWarning(iface);
}

function partGlobWarning(pattern: string): string | undefined {
  const wildcards = globWildcards(pattern);
  if (wildcards.length === 0) return undefined;
  let asRegex = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    asRegex += wildcards.includes(i) ? (c === "*" ? ".*" : ".") : c;
  }
  const simple = /^([A-Za-z0-9_\-:@]*)([A-Za-z0-9_\-:@])([*?])$/u.exec(pattern);
  let meaning = `"${pattern}" repeats or omits the character before the "*" or "?"`;
  let suggestion = `"${asRegex}"`;
  if (simple) {
    const [, head = "", last = "", wildcard] = simple;
    const matches = wildcard === "*" ? [head, head + last, head + last + last] : [head, head + last];
    const numbered = `${head}${last}${last === "0" ? "1" : "0"}`;
    meaning = `"${pattern}" matches ${matches.map((m) => `"${m}"`).join(", ")}${wildcard === "*" ? ", …" : ""} but not "${numbered}"`;
    suggestion = `"${asRegex}" or "${head}${last}[0-9]+"`;
  }
  return (
    `pattern "${pattern}" looks like a shell glob, but interface patterns are regular expressions ` +
    `matched against the whole name: ${meaning}; did you mean ${suggestion}?`
  );
}
