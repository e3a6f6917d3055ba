// Keys are reported the way they are written in TOML ("agent.bpf.sample_rate",
// "agent.interfaces[1]"), so messages and the line locator agree on one spelling.

export type KeyPath = readonly (string | number)[];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      out += `[${segment}]`;
      continue;
    }
    const key = BARE_KEY.test(segment) ? segment : JSON.stringify(segment);
    out += out === "" ? key : `.${key}`;
  }
  return out;
}
