// Control requests exactly as the CLI writes them: every `rfm` command that
// talks to the agent, run against a unix socket that records each
// connection's bytes and answers with an error. The file is the requests one
// after another (each a JSON line).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/run-cli.js";

const COMMANDS: string[][] = [
  ["status"],
  ["flows", "top"],
  ["flows", "top", "5", "--by", "packets"],
  ["flows", "count"],
  ["flows", "dump", "--json"],
  ["flows", "flush", "--all"],
  ["flows", "flush", "--iface", "eth0", "--proto", "17", "--dport", "53"],
  ["flows", "flush", "--netns", "blue", "--src", "2001:db8::1", "--sport", "443", "--dst", "192.0.2.9"],
  ["set", "sample-rate", "100"],
  ["config", "show"],
  ["rib", "lookup", "192.0.2.1"],
  ["rib", "lookup", "2001:db8:200::1"],
  ["rib", "summary"],
  ["reload", "mmdb"],
  ["meter", "attach", "-i", "eth1"],
  ["meter", "attach", "--netns", "blue", "-i", "veth0"],
  ["meter", "attach", "-i", "red:*"],
  ["meter", "detach", "-i", "blue:veth0"],
  ["meter", "status"],
];

export async function captureControlRequests(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-control-"));
  const path = join(dir, "rfm.sock");
  const requests: Buffer[] = [];
  const server = createServer({ allowHalfOpen: true }, (conn) => {
    const parts: Buffer[] = [];
    conn.on("data", (d: Buffer) => {
      parts.push(d);
      if (d.includes(0x0a)) conn.end(`${JSON.stringify({ version: 1, ok: false, error: "recorded" })}\n`);
    });
    conn.on("close", () => requests.push(Buffer.concat(parts)));
  });
  try {
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
    for (const args of COMMANDS) {
      const before = requests.length;
      const r = await runCli([...args, "--socket", path]);
      if (r.code !== 1 || !r.stderr.includes("recorded")) throw new Error(`rfm ${args.join(" ")}: exit ${r.code}: ${r.stderr}`);
      if (requests.length !== before + 1) throw new Error(`rfm ${args.join(" ")}: ${requests.length - before} requests recorded`);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return Buffer.concat(requests);
}
