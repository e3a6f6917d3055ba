// The interface watcher on real rtnetlink: links that match are attached as
// they appear, renamed away or deleted links are detached, non-Ethernet links
// are skipped, and a failing attach is retried with backoff and counted.
import { InterfaceMatcher } from "../../src/config/index.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { InterfaceWatcher } from "../../src/watcher/interface-watcher.js";
import { ErrorCounters } from "../../src/metrics/errors.js";
import { until } from "../agent/agent-lab.js";

function recorder(failFirst = 0) {
  const attached = new Set<number>();
  const events: string[] = [];
  let failures = failFirst;
  return {
    attached,
    events,
    attach(ifindex: number) {
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error("device busy"), { errno: 16, code: "EBUSY" });
      }
      attached.add(ifindex);
      events.push(`attach ${ifindex}`);
    },
    detach(ifindex: number) {
      attached.delete(ifindex);
      events.push(`detach ${ifindex}`);
    },
  };
}

describe("interface watcher", () => {
  test("attaches matching links as they appear, follows renames and deletions", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const tag = `rfmw${process.pid % 100000}`;
    const r = recorder();
    const removed: number[] = [];
    const errors = new ErrorCounters();
    const w = new InterfaceWatcher({ interfaces: InterfaceMatcher.of([`${tag}[a-z]`]), attach: r.attach, detach: r.detach, removed: (i) => removed.push(i), errors });
    t.after(() => w.stop());
    await w.start();
    const pair = await lab.veth({ ns: HOST_NS, name: `${tag}a` }, { ns });
    await until(() => r.attached.has(pair.a.ifindex), 5000, "attach on appearance");
    assert.deepEqual(w.attachedLinks(), [{ ifindex: pair.a.ifindex, name: `${tag}a`, by: "config" }]);

    execFileSync("ip", ["link", "set", pair.a.name, "down"]);
    execFileSync("ip", ["link", "set", pair.a.name, "name", `${tag}9`]);
    await until(() => !r.attached.has(pair.a.ifindex), 5000, "detach on rename out of the patterns");
    execFileSync("ip", ["link", "set", `${tag}9`, "name", `${tag}b`]);
    await until(() => r.attached.has(pair.a.ifindex), 5000, "attach on rename into the patterns");
    assert.equal(w.nameOf(pair.a.ifindex), `${tag}b`);

    execFileSync("ip", ["link", "del", `${tag}b`]);
    await until(() => removed.includes(pair.a.ifindex), 5000, "removal");
    assert.equal(r.attached.size, 0);
    assert.equal(w.nameOf(pair.a.ifindex), `${tag}b`, "a removed link's name stays known for its last flows");
    assert.equal(errors.get("netlink"), 0);
  });

  test("a link without an Ethernet header is skipped", async (t) => {
    if (!requirePrivileges(t)) return;
    const name = `rfmt${process.pid % 100000}tun`;
    execFileSync("ip", ["tuntap", "add", "dev", name, "mode", "tun"]);
    t.after(() => execFileSync("ip", ["link", "del", name]));
    const r = recorder();
    const w = new InterfaceWatcher({ interfaces: InterfaceMatcher.of([name]), attach: r.attach, detach: r.detach, errors: new ErrorCounters() });
    t.after(() => w.stop());
    await w.start();
    assert.equal(r.events.length, 0);
    assert.deepEqual(w.attachedLinks(), []);
  });

  test("a failing attach is retried with backoff and each failure counted", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const r = recorder(3);
    const errors = new ErrorCounters();
    const w = new InterfaceWatcher({
      interfaces: InterfaceMatcher.of([pair.a.name]),
      attach: r.attach, detach: r.detach, errors, minRetryMs: 20, maxRetryMs: 1000,
    });
    t.after(() => w.stop());
    const started = Date.now();
    await w.start();
    await until(() => r.attached.has(pair.a.ifindex), 5000, "attach after retries");
    assert.equal(errors.get("attach"), 3);
    assert.ok(Date.now() - started >= 20 + 40 + 80, "backoff doubled between tries");
  });
});
