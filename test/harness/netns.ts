// Network namespaces by name (/run/netns/NAME, as `ip netns` manages them).
import { ip, ipJson, ipTry } from "./ip.js";
import { isAlive, ownerPid, PREFIX } from "./names.js";
import { execOk } from "./exec.js";

export async function listNetns(): Promise<string[]> {
  return (await ipJson<{ name: string }[]>(null, ["netns", "list"])).map((n) => n.name);
}

/** Creates the namespace with lo up (127.0.0.1 and ::1 work at once). */
export async function addNetns(name: string): Promise<void> {
  await ip(null, ["netns", "add", name]);
  await ip(name, ["link", "set", "lo", "up"]);
}

/** Pids of processes running inside the namespace. */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await ipTry(null, ["netns", "pids", name]);
  if (r.code !== 0) return [];
  return r.stdout.split("\n").filter((l) => l.trim() !== "").map(Number);
}

/**
 * Kills what still runs inside, then removes the name. A namespace lives on
 * while a process holds it, and with it any veth whose peer is in the host.
 */
export async function deleteNetns(name: string): Promise<void> {
  for (const pid of await netnsPids(name)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const r = await ipTry(null, ["netns", "del", name]);
  if (r.code !== 0 && !/No such file/.test(r.stderr)) {
    throw new Error(`ip netns del ${name}: ${r.stderr.trim()}`);
  }
}

/** Host-namespace links named by us (veth ends moved back or left over). */
async function hostLinks(): Promise<string[]> {
  return (await ipJson<{ ifname: string }[]>(null, ["link", "show"])).map((l) => l.ifname.replace(/@.*/, ""));
}

function stale(name: string): boolean {
  const pid = ownerPid(name);
  return pid !== undefined && pid !== process.pid && !isAlive(pid);
}

/**
 * Removes rfmt-* namespaces and host links left by test processes that died
 * without cleaning up. Objects of live processes (parallel test files) stay.
 */
export async function sweepStale(): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of (await listNetns()).filter((n) => n.startsWith(PREFIX) && stale(n))) {
    await deleteNetns(ns);
    removed.push(ns);
  }
  for (const link of (await hostLinks()).filter((n) => n.startsWith(PREFIX) && stale(n))) {
    // May already be gone with its peer's namespace.
    const r = await ipTry(null, ["link", "del", link]);
    if (r.code === 0) removed.push(link);
  }
  return removed;
}

/** Is `name` present in `ip netns list`? */
export async function netnsExists(name: string): Promise<boolean> {
  return (await listNetns()).includes(name);
}

/** Writes a sysctl inside a namespace (e.g. "net.ipv6.conf.all.forwarding"). */
export async function setSysctl(ns: string, key: string, value: string): Promise<void> {
  await execOk(null, ["ip", "netns", "exec", ns, "sysctl", "-q", "-w", `${key}=${value}`]);
}
