// sweepStale removes what crashed runs left, never what live runs own.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { ip, ipTry } from "./ip.js";
import { isAlive, ownerPid, uniqueName } from "./names.js";
import { addNetns, deleteNetns, listNetns, sweepStale } from "./netns.js";
import { requirePrivileges } from "./privileges.js";

test("our names embed the creating pid; other names have no owner", () => {
  const name = uniqueName();
  assert.equal(ownerPid(name), process.pid);
  assert.equal(ownerPid("rfmt-probe"), undefined);
  assert.equal(ownerPid("eth0"), undefined);
});

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await once(child, "exit");
  assert.ok(child.pid !== undefined && !isAlive(child.pid));
  return child.pid;
}

test("sweepStale deletes namespaces and host links of dead processes and keeps those of live ones", async (t) => {
  if (!requirePrivileges(t)) return;
  const dead = await deadPid();
  const living = spawn("sleep", ["60"]);
  const staleNs = `rfmt-${dead}-s`;
  const staleLink = `rfmt-${dead}-h`;
  const liveNs = `rfmt-${living.pid}-s`;
  try {
    await addNetns(staleNs);
    await addNetns(liveNs);
    await ip(null, ["link", "add", staleLink, "type", "veth", "peer", "name", `rfmt-${dead}-i`]);
    await sweepStale();
    const present = await listNetns();
    assert.ok(!present.includes(staleNs), "stale namespace survived");
    assert.ok(present.includes(liveNs), "namespace of a live process was swept");
    assert.notEqual((await ipTry(null, ["link", "show", "dev", staleLink])).code, 0, "stale host link survived");
  } finally {
    living.kill("SIGKILL");
    await deleteNetns(liveNs);
    await deleteNetns(staleNs);
    spawnSync("ip", ["link", "del", staleLink], { stdio: "ignore" });
  }
});
