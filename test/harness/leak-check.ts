// Loaded into every test file's process (scripts/test.mjs passes it with
// --import): when the file's process is about to exit, after every test and
// every after() hook, it fails the file (exit code 1) if anything the file
// made is still there: a child process, a namespace, a host link, a bpffs
// pin, or a file in its temporary directory. Each file gets a temporary
// directory of its own (TMPDIR), so a leftover file is told apart from those
// of anything else running on the machine.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { tmpdir } from "node:os";
import { isMainThread } from "node:worker_threads";
import { isAlive, ownerPid } from "./names.js";

const NETNS_DIR = "/run/netns";
const NET_DIR = "/sys/class/net";
const BPFFS = "/sys/fs/bpf";
/** Children inherit this, so processes that daemonised or lost their parent are still known as the file's. */
const OWNER_VAR = "RFM_TEST_FILE_PID";

/** Entries of a directory (recursively for bpffs), or none where it cannot be read (not root, not mounted). */
function entries(dir: string, recursive = false): Set<string> {
  try {
    return new Set(readdirSync(dir, { recursive }).map(String));
  } catch {
    return new Set();
  }
}

/** New since the file started, unless the name says another live test process made it. */
function added(now: Set<string>, then: Set<string>): string[] {
  return [...now].filter((n) => {
    if (then.has(n)) return false;
    const owner = ownerPid(basename(n));
    return owner === undefined || owner === process.pid || !isAlive(owner);
  });
}

/** Processes still running that this file started: its descendants, and any carrying its tag in their environment (zombies have ended: they only wait to be reaped). */
function leftProcesses(): string[] {
  const procs = new Map<number, { ppid: number; state: string; comm: string }>();
  for (const d of entries("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "latin1");
      // comm may hold spaces and parentheses: the fields after it follow the last ')'.
      const close = stat.lastIndexOf(")");
      const [state, ppid] = stat.slice(close + 2).split(" ");
      procs.set(Number(d), { ppid: Number(ppid), state: state ?? "", comm: stat.slice(stat.indexOf("(") + 1, close) });
    } catch {
      // ended while we looked
    }
  }
  const ours = new Set<number>();
  const walk = (parent: number): void => {
    for (const [pid, p] of procs) {
      if (p.ppid !== parent || ours.has(pid)) continue;
      ours.add(pid);
      walk(pid);
    }
  };
  walk(process.pid);
  const tag = `${OWNER_VAR}=${process.pid}`;
  for (const pid of procs.keys()) {
    if (pid === process.pid || ours.has(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(tag)) ours.add(pid);
    } catch {
      // ended, or not ours to read
    }
  }
  return [...ours].filter((pid) => procs.get(pid)?.state !== "Z").map((pid) => `${pid} (${procs.get(pid)?.comm})`);
}

function leftFiles(dir: string): string[] {
  try {
    return readdirSync(dir).map((n) => join(dir, n) + (statSync(join(dir, n)).isDirectory() ? "/" : ""));
  } catch {
    return [];
  }
}

function watch(): void {
  const file = basename(process.argv[1] ?? "test");
  const tmp = mkdtempSync(join(tmpdir(), `rfm-test-${process.pid}-`));
  // Others may pass through (tests run the agent as user nobody on files in here), not list it.
  chmodSync(tmp, 0o711);
  process.env["TMPDIR"] = tmp;
  process.env[OWNER_VAR] = String(process.pid);
  const before = { netns: entries(NETNS_DIR), links: entries(NET_DIR), pins: entries(BPFFS, true) };

  process.once("beforeExit", () => {
    const left = [
      ...leftProcesses().map((p) => `process ${p}`),
      ...added(entries(NETNS_DIR), before.netns).map((n) => `namespace ${n}`),
      ...added(entries(NET_DIR), before.links).map((n) => `link ${n}`),
      ...added(entries(BPFFS, true), before.pins).map((n) => `pin ${join(BPFFS, n)}`),
      ...leftFiles(tmp).map((f) => `file ${f}`),
    ];
    // The directory goes either way, so one leaky file does not trip the next.
    rmSync(tmp, { recursive: true, force: true });
    if (left.length > 0) {
      process.stderr.write(`leak check: ${file} left behind:\n  ${left.join("\n  ")}\n`);
      process.exitCode = 1;
    }
  });
}

// Worker threads inherit --import: only the file's main thread checks.
if (isMainThread) watch();
