// FRR bgpd for BMP lab tests: a config generator and a launcher that runs
// bgpd alone (no zebra, no watchfrr) inside a lab namespace.
import { tempDir } from "../harness/temp-dir.js";
import type { TestContext } from "node:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST_NS } from "../harness/exec.js";
import type { Lab } from "../harness/lab.js";

const BGPD = "/usr/lib/frr/bgpd";

export interface Neighbor {
  address: string;
  as: number;
}

export interface BgpdConfig {
  as: number;
  id: string;
  neighbors: Neighbor[];
  networks?: string[];
  /** IPv6 unicast is configured (and its neighbors activated) only when given. */
  networks6?: string[];
  /**
   * Report to this BMP collector (pre- and post-policy IPv4, post-policy
   * IPv6), with Statistics Reports every statsMs and Route Mirroring when asked.
   */
  bmp?: { host: string; port: number; statsMs?: number; mirror?: boolean };
}

export function bgpdConf(o: BgpdConfig): string {
  return [
    "frr defaults traditional",
    `hostname as${o.as}`,
    "log stdout informational",
    `router bgp ${o.as}`,
    ` bgp router-id ${o.id}`,
    " no bgp ebgp-requires-policy",
    " no bgp network import-check", // needed without zebra
    ...o.neighbors.flatMap((n) => [
      ` neighbor ${n.address} remote-as ${n.as}`,
      ` neighbor ${n.address} timers 1 3`,
      ` neighbor ${n.address} timers connect 1`,
      // Without it FRR 8.4 sends pre-policy announcements as withdrawals.
      ` neighbor ${n.address} soft-reconfiguration inbound`,
    ]),
    " address-family ipv4 unicast",
    ...(o.networks ?? []).map((n) => `  network ${n}`),
    " exit-address-family",
    ...(o.networks6
      ? [" address-family ipv6 unicast", ...o.neighbors.map((n) => `  neighbor ${n.address} activate`), ...o.networks6.map((n) => `  network ${n}`), " exit-address-family"]
      : []),
    ...(o.bmp
      ? [
          " bmp targets rfm",
          `  bmp connect ${o.bmp.host} port ${o.bmp.port} min-retry 100 max-retry 1000`,
          "  bmp monitor ipv4 unicast pre-policy",
          "  bmp monitor ipv4 unicast post-policy",
          ...(o.networks6 ? ["  bmp monitor ipv6 unicast post-policy"] : []),
          ...(o.bmp.statsMs ? [`  bmp stats interval ${o.bmp.statsMs}`] : []),
          ...(o.bmp.mirror ? ["  bmp mirror"] : []),
          " exit",
        ]
      : []),
    "!",
    "",
  ].join("\n");
}

/** Starts bgpd in `ns` with its config, pid file and vty socket in `dir`; `-M bmp` when it reports. */
export function startBgpd(lab: Lab, ns: string, dir: string, conf: BgpdConfig, listen: string) {
  writeFileSync(join(dir, "bgpd.conf"), bgpdConf(conf));
  return lab.spawn(ns, [BGPD, ...(conf.bmp ? ["-M", "bmp"] : []), "-Z", "-S", "-n", "-f", join(dir, "bgpd.conf"), "-i", join(dir, "bgpd.pid"), "--vty_socket", dir, "-P", "0", "-l", listen]);
}

/** A directory for one bgpd's config, pid file and vty socket (open to any user, FRR's included), removed after the test. */
export function bgpdDir(t: TestContext): string {
  const dir = tempDir("rfm-frr-", t);
  chmodSync(dir, 0o777);
  return dir;
}

/** Runs vtysh commands against the bgpd whose vty socket is in `dir`; returns its output. */
export async function vtysh(lab: Lab, dir: string, commands: string[]): Promise<string> {
  const r = await lab.execOk(HOST_NS, ["vtysh", "--vty_socket", dir, ...commands.flatMap((c) => ["-c", c])]);
  return r.stdout;
}

/** IPv4 unicast prefixes the bgpd in `dir` has received, over all its peers. */
export async function receivedPrefixes(lab: Lab, dir: string): Promise<number> {
  const summary = JSON.parse(await vtysh(lab, dir, ["show bgp ipv4 unicast summary json"])) as { peers?: Record<string, { pfxRcd?: number }> };
  return Object.values(summary.peers ?? {}).reduce((n, p) => n + (p.pfxRcd ?? 0), 0);
}
