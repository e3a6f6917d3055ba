// The agent as an operator runs it: the CLI as a non-root user holding only
// CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON, scraped by a real Prometheus server,
// its exposition accepted by promtool; with CAP_SYS_ADMIN too, it meters
// interfaces inside other network namespaces.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab, type Lab, type VethPair } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { freePort } from "../harness/ports.js";
import { collect, waitForStderr } from "../cli/run-cli.js";
import { cliForAnyUser } from "../harness/shared-install.js";
import { until } from "./agent-lab.js";
import { tempDir } from "../harness/temp-dir.js";

const UDP4_WIRE = 14 + 20 + 8;

async function quietPair(lab: Lab): Promise<VethPair> {
  return lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
}

/** A config file readable by any user, for an agent watching `ifname` with metrics on 127.0.0.1:port. */
function worldReadableConfig(ifname: string, port: number): string {
  const dir = tempDir("rfm-unpriv-");
  chmodSync(dir, 0o755);
  const path = join(dir, "rfm.toml");
  writeFileSync(path, `[agent]\ninterfaces = ["${ifname}"]\n[agent.bpf]\nsample_rate = 1\n[agent.prometheus]\nhost = "127.0.0.1"\nport = ${port}\n`, { mode: 0o644 });
  return path;
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

function sample(text: string, name: string, labels: string): number | undefined {
  const prefixes = labels ? [`${name}{${labels}} `, `${name}{${labels},`] : [`${name} `];
  const line = text.split("\n").find((l) => prefixes.some((p) => l.startsWith(p)));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : undefined;
}

describe("the agent as operators run it", () => {
  test("runs as user nobody with only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON; Prometheus and promtool accept it", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const port = await freePort("127.0.0.1");
    const caps = "+bpf,+net_admin,+perfmon";
    const agent = spawn(
      "setpriv",
      ["--reuid=nobody", "--regid=nogroup", "--clear-groups", `--inh-caps=${caps}`, `--ambient-caps=${caps}`, "--bounding-set=-all," + caps,
        process.execPath, cliForAnyUser(t), "agent", "-c", worldReadableConfig(pair.a.name, port)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = collect(agent, 120_000);
    t.after(() => {
      agent.kill("SIGKILL");
    });
    await waitForStderr(agent, /agent started/, 20_000);
    const status = execFileSync("cat", [`/proc/${agent.pid}/status`], { encoding: "utf8" });
    assert.match(status, /^Uid:\s+65534\s/m, "not root");
    assert.match(status, /^CapEff:\s+000000c000001000$/m, "exactly CAP_NET_ADMIN, CAP_PERFMON, CAP_BPF");

    // A real Prometheus server scraping every second.
    const promPort = await freePort("127.0.0.1");
    const promDir = tempDir("rfm-prom-", t);
    writeFileSync(
      join(promDir, "prometheus.yml"),
      `global: {scrape_interval: 1s, evaluation_interval: 1s}\nscrape_configs:\n  - job_name: rfm\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
    );
    const prom = spawn(
      "prometheus",
      [`--config.file=${join(promDir, "prometheus.yml")}`, `--storage.tsdb.path=${join(promDir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: "ignore" },
    );
    t.after(() => {
      prom.kill("SIGKILL");
    });

    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "0.0.0.0" });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 2000, size: 58 });
    assert.equal((await rx.stop()).datagrams, 2000);

    const labels = `ifname="${pair.a.name}",family="ipv4"`;
    const text = await scrape(port);
    assert.equal(sample(text, "rfm_interface_rx_packets_total", labels), 2000);
    assert.equal(sample(text, "rfm_interface_rx_bytes_total", labels), 2000 * (UDP4_WIRE + 58));
    assert.ok(text.includes("process_cpu_seconds_total"), "process metrics are exported");
    const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.equal(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);

    // Flow tuples: shown at 0 in the scrape that first sees them, exact (rate 1) after.
    const flowLabels = `ifname="${pair.a.name}",direction="ingress",proto="17",src_asn="",dst_asn="",src_city="",dst_city=""`;
    const again = await scrape(port);
    assert.equal(sample(again, "rfm_flow_packets_total", flowLabels), 2000);
    assert.equal(sample(again, "rfm_flow_sampled_bytes_total", flowLabels), 2000 * (UDP4_WIRE + 58));
    assert.equal(sample(again, "rfm_collector_active_flows", ""), 1);
    assert.equal(sample(again, "rfm_bpf_sample_rate", ""), 1);

    const query = `rfm_interface_rx_packets_total{${labels}}`;
    let seen: string | undefined;
    await until(
      async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(query)}`);
          const body = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
          seen = body.data?.result?.[0]?.value[1];
        } catch {
          // not up yet
        }
        return seen === "2000";
      },
      30_000,
      `Prometheus to read ${query} = 2000 (last: ${seen})`,
    );

    agent.kill("SIGTERM");
    const r = await exited;
    assert.equal(r.code, 0, r.stderr);
  });

  test("meters interfaces inside another namespace as user nobody with CAP_SYS_ADMIN added", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const blue = await lab.netns();
    const pair = await lab.veth({ ns: blue, name: "eth0" }, { ns: peer });
    const port = await freePort("127.0.0.1");
    const caps = "+bpf,+net_admin,+perfmon,+sys_admin";
    const config = worldReadableConfig(`${blue}/eth0`, port);
    const agent = spawn(
      "setpriv",
      ["--reuid=nobody", "--regid=nogroup", "--clear-groups", `--inh-caps=${caps}`, `--ambient-caps=${caps}`, "--bounding-set=-all," + caps,
        process.execPath, cliForAnyUser(t), "agent", "-c", config],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = collect(agent, 120_000);
    t.after(() => {
      agent.kill("SIGKILL");
    });
    await waitForStderr(agent, /agent started/, 20_000);
    assert.match(execFileSync("cat", [`/proc/${agent.pid}/status`], { encoding: "utf8" }), /^Uid:\s+65534\s/m, "not root");
    const rx = await startUdpReceiver(lab, { ns: blue });
    await sendUdp(lab, { from: peer, to: pair.a.ipv4, port: rx.port, count: 40, size: 100 });
    await rx.stop();
    const labels = `ifname="eth0",netns="${blue}",family="ipv4"`;
    await until(async () => sample(await scrape(port), "rfm_interface_rx_packets_total", labels) === 40, 10_000, "the namespace's counters");
    assert.equal(sample(await scrape(port), "rfm_interface_rx_bytes_total", labels), 40 * (UDP4_WIRE + 100));
    agent.kill("SIGTERM");
    const r = await exited;
    assert.equal(r.code, 0, r.stderr);
  });
});
