// `--bmp HOST:PORT`: where the collector's BMP listener binds. IPv6 hosts go
// in brackets (`[::1]:1790`); a bare PORT binds the loopback (::1), as the
// agent's listener does when its host is not set.
import { isIP } from "node:net";

/** The agent's default BMP host (src/config/schema/enrich.ts), without loading the config schemas. */
const LOOPBACK = "::1";

export interface ListenAddress {
  host: string;
  port: number;
}

function portOf(text: string, whole: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new Error(`${JSON.stringify(whole)}: port ${JSON.stringify(text)} is not 1..65535`);
  return Number(text);
}

/** Throws an Error naming what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  if (/^\d+$/.test(text)) return { host: LOOPBACK, port: portOf(text, text) };
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) {
    if (isIP(bracketed[1]!) !== 6) throw new Error(`${JSON.stringify(text)}: ${JSON.stringify(bracketed[1])} is not an IPv6 address`);
    return { host: bracketed[1]!, port: portOf(bracketed[2]!, text) };
  }
  const colon = text.lastIndexOf(":");
  if (colon < 0) throw new Error(`${JSON.stringify(text)}: expected HOST:PORT, [IPv6]:PORT or PORT`);
  const host = text.slice(0, colon);
  if (host.includes(":")) throw new Error(`${JSON.stringify(text)}: an IPv6 host goes in brackets, e.g. [::1]:1790`);
  if (host === "") throw new Error(`${JSON.stringify(text)}: no host before the port (give PORT alone for the loopback)`);
  return { host, port: portOf(text.slice(colon + 1), text) };
}
