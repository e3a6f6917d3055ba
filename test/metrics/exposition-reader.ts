// Reading the agent's /metrics as a scraper would: one GET, then single samples.
import * as assert from "node:assert/strict";

/** The /metrics text of an agent listening on [host]:port. */
export async function scrapeMetrics(host: string, port: number): Promise<string> {
  const res = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

/** The value of one sample (labels exactly as rendered, "" for none), or undefined when absent. */
export function sample(text: string, name: string, labels: string): number | undefined {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}
