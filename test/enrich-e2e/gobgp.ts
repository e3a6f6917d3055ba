// GoBGP for BMP lab tests: a gobgpd config generator, a launcher inside a lab
// namespace, and the gobgp CLI against it (routes come from the CLI: gobgpd's
// config file cannot originate any).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Lab } from "../harness/lab.js";
import type { NetnsProcess } from "../harness/exec.js";

/** gRPC port of each gobgpd, on the loopback of its own namespace. */
export const API_PORT = 50051;

export interface GobgpdConfig {
  as: number;
  id: string;
  neighbor: string;
  neighborAs: number;
  /**
   * Only accept the session, never dial it. Two gobgpd dialling each other at
   * once collide, and gobgpd's collision handling can leave the session down
   * for tens of seconds; with one side passive there is one connection.
   */
  passive?: boolean;
  /** Report to this BMP collector, route-monitoring-policy "all" (pre-policy, post-policy and Loc-RIB). */
  bmp?: { host: string; port: number; statisticsSeconds?: number; mirroring?: boolean };
}

export function gobgpdConf(o: GobgpdConfig): string {
  return [
    "[global.config]",
    `  as = ${o.as}`,
    `  router-id = "${o.id}"`,
    `  local-address-list = ["${o.id}"]`,
    ...(o.bmp
      ? [
          "[[bmp-servers]]",
          "  [bmp-servers.config]",
          `    address = "${o.bmp.host}"`,
          `    port = ${o.bmp.port}`,
          '    route-monitoring-policy = "all"',
          // 15 s is gobgpd's shortest statistics interval.
          ...(o.bmp.statisticsSeconds ? [`    statistics-timeout = ${o.bmp.statisticsSeconds}`] : []),
          ...(o.bmp.mirroring ? ["    route-mirroring-enabled = true"] : []),
        ]
      : []),
    "[[neighbors]]",
    "  [neighbors.config]",
    `    neighbor-address = "${o.neighbor}"`,
    `    peer-as = ${o.neighborAs}`,
    ...(o.passive ? ["  [neighbors.transport.config]", "    passive-mode = true"] : []),
    "  [neighbors.timers.config]",
    "    connect-retry = 1",
    "    hold-time = 3",
    "    keepalive-interval = 1",
    "  [[neighbors.afi-safis]]",
    "    [neighbors.afi-safis.config]",
    '      afi-safi-name = "ipv4-unicast"',
    "  [[neighbors.afi-safis]]",
    "    [neighbors.afi-safis.config]",
    '      afi-safi-name = "ipv6-unicast"',
    "",
  ].join("\n");
}

export function startGobgpd(lab: Lab, ns: string, dir: string, name: string, conf: GobgpdConfig): NetnsProcess {
  const file = join(dir, `${name}.toml`);
  writeFileSync(file, gobgpdConf(conf));
  return lab.spawn(ns, ["gobgpd", "-f", file, "--api-hosts", `127.0.0.1:${API_PORT}`, "-p", "--pprof-disable"]);
}

/** The gobgp CLI against the gobgpd of `ns`. */
export function gobgp(lab: Lab, ns: string, args: string[]) {
  return lab.execOk(ns, ["gobgp", "-u", "127.0.0.1", "-p", String(API_PORT), ...args], { timeoutMs: 10_000 });
}

/** Whether the gobgpd of `ns` answers on its gRPC API yet. */
export async function gobgpReady(lab: Lab, ns: string): Promise<boolean> {
  return (await lab.exec(ns, ["gobgp", "-u", "127.0.0.1", "-p", String(API_PORT), "global"])).code === 0;
}
