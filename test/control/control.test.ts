// The control socket and the commands behind `rfm status`, `rfm flows`,
// `rfm set`, `rfm config show`, against an agent in a namespace lab with
// known traffic, through the real CLI.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createConnection } from "node:net";
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync, lstatSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "../agent/agent-lab.js";
import { runCli } from "../cli/run-cli.js";
import { cliForAnyUser } from "../harness/shared-install.js";
import { EndReason } from "../../src/flow-record/index.js";
import { ControlServer } from "../../src/control/server.js";
import { tempDir } from "../harness/temp-dir.js";

function socketDir(): string {
  const d = tempDir("rfm-ctl-");
  chmodSync(d, 0o755);
  return d;
}

/** Sends raw bytes and returns whatever the agent answers before closing. */
function raw(path: string, bytes: string | Buffer, opts: { halfOpen?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let got = "";
    c.on("connect", () => {
      c.write(bytes);
      if (!opts.halfOpen) c.end();
    });
    c.on("data", (d: Buffer) => (got += d.toString()));
    c.on("close", () => resolve(got));
    c.on("error", reject);
  });
}

describe("control plane", () => {
  test("status, flows top/count/dump/flush, set sample-rate and config show through the CLI", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const sock = join(socketDir(), "rfm.sock");
    const { agent, records } = await startAgent(t, [pair.a.name], { control: { socket: sock }, bpf: { max_sample_rate: 500 } });
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    assert.equal(statSync(sock).mode & 0o777, 0o600, "socket mode 0600");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 400, size: 200 });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 50, size: 10 });
    await rx.stop();
    const S = ["--socket", sock];

    const status = await runCli(["status", ...S]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^interfaces +${pair.a.name}$`, "m"));
    assert.match(status.stdout, /^sampling +1 in 1$/m);
    assert.match(status.stdout, /^flows +2 active of 65536, 0 ring drops, 0 forced evictions, 0 folded under empty labels$/m);

    const top = await runCli(["flows", "top", "1", ...S]);
    assert.equal(top.code, 0, top.stderr);
    const lines = top.stdout.trim().split("\n");
    assert.equal(lines.length, 2, "a header and the one busiest flow");
    assert.match(lines[0], /^IFACE +DIR +PROTO +SRC +DST +SRC ASN +DST ASN +PACKETS +BYTES +AGE$/);
    assert.match(lines[1], new RegExp(`^${pair.a.name} +ingress +udp +${pair.b.ipv4.replace(/\./g, "\\.")}:\\d+ +${pair.a.ipv4.replace(/\./g, "\\.")}:${rx.port} +- +- +400 +${400 * 242} +\\d+s$`));

    const json = await runCli(["flows", "dump", "--json", ...S]);
    const dump = JSON.parse(json.stdout) as { packets: number }[];
    assert.deepEqual(dump.map((f) => f.packets).sort((a, b) => a - b), [50, 400]);
    assert.equal((await runCli(["flows", "count", ...S])).stdout, "2\n");

    const set = await runCli(["set", "sample-rate", "100", ...S]);
    assert.equal(set.stdout, "sampling 1 in 100\n");
    assert.equal(agent.currentSampleRate, 100);
    assert.equal(agent.datapath.readConfig().sampleRate, 100, "the config map follows at once");
    const tooHigh = await runCli(["set", "sample-rate", "501", ...S]);
    assert.equal(tooHigh.code, 1);
    assert.match(tooHigh.stderr, /^rfm: rate must be an integer from 1 to 500/);

    const flush = await runCli(["flows", "flush", "--dport", String(rx.port), "--proto", "17", ...S]);
    assert.equal(flush.stdout, "flushed 2\n");
    assert.equal(records.filter((r) => r.reason === EndReason.Forced).length, 2, "flushed flows were exported as forced end");
    const none = await runCli(["flows", "flush", ...S]);
    assert.equal(none.code, 1, "flush needs --all or a filter");

    const shown = await runCli(["config", "show", ...S]);
    assert.equal(shown.code, 0);
  });

  test("garbage, oversized and half-open requests get answers and leave the agent serving", async (t) => {
    if (!requirePrivileges(t)) return;
    const sock = join(socketDir(), "rfm.sock");
    const { agent } = await startAgent(t, ["rfmt-none"], { control: { socket: sock } });
    assert.match(await raw(sock, "not json\n"), /"ok":false,"error":"request is not valid JSON"/);
    assert.match(await raw(sock, '{"version":9,"command":"status"}\n'), /unsupported protocol version 9/);
    assert.match(await raw(sock, '{"version":1,"command":"rm -rf"}\n'), /unknown command/);
    assert.match(await raw(sock, Buffer.alloc(70_000, 0x41)), /larger than 65536 bytes/);
    const started = Date.now();
    assert.match(await raw(sock, '{"version":1,', { halfOpen: true }), /no complete request within 5000 ms/);
    assert.ok(Date.now() - started >= 4900);
    const ok = await runCli(["flows", "count", "--socket", sock]);
    assert.equal(ok.stdout, "0\n", "still serving");
    assert.ok(agent.table.size === 0);
  });

  test("a user other than the agent's cannot connect", async (t) => {
    if (!requirePrivileges(t)) return;
    const sock = join(socketDir(), "rfm.sock");
    await startAgent(t, ["rfmt-none"], { control: { socket: sock } });
    const r = await runCli(["status", "--socket", sock], { cli: cliForAnyUser(t), wrap: ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^rfm: permission denied on .*mode 0600/);
  });

  test("a stale socket file is replaced; a live one or a non-socket path fails the start", async () => {
    const dir = socketDir();
    const sock = join(dir, "rfm.sock");
    const first = new ControlServer(sock, new Map());
    await first.listen();
    const second = new ControlServer(sock, new Map());
    await assert.rejects(second.listen(), /another process is listening on the control socket/);
    await first.close();
    // A socket file nobody listens on any more, as a crashed agent leaves it.
    execFileSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", sock]);
    assert.ok(lstatSync(sock).isSocket());
    const third = new ControlServer(sock, new Map());
    await third.listen();
    await third.close();
    const file = join(dir, "not-a-socket");
    writeFileSync(file, "x");
    await assert.rejects(new ControlServer(file, new Map()).listen(), /exists and is not a socket/);
  });
});
