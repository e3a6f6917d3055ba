// Named network namespaces as `ip netns` keeps them: bind mounts of nsfs files
// under /run/netns. A namespace is known by name and by identity (device and
// inode of its nsfs file), so one deleted and re-created under the same name
// is seen as a removal and an addition. A poll catches everything; a
// directory watch, when the directory exists, makes changes show up at once.
import { readdirSync, statSync, statfsSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { log } from "../log/logger.js";

export const NETNS_DIR = "/run/netns";
const NSFS_MAGIC = 0x6e736673;

export interface NamedNamespace {
  name: string;
  /** The nsfs file: what setns() opens. */
  path: string;
  /** "dev:ino" of the namespace; equal ids are the same namespace. */
  id: string;
}

/** Identity of a namespace file, or undefined when it is not (yet) an nsfs mount. */
export function namespaceId(path: string): string | undefined {
  try {
    // `ip netns add` creates the file, then bind-mounts the namespace on it.
    if (statfsSync(path).type !== NSFS_MAGIC) return undefined;
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** The agent's own network namespace. */
export function ownNamespaceId(): string | undefined {
  return namespaceId("/proc/self/ns/net");
}

/** Whether `name` can be a namespace name under the directory (no path tricks). */
export function validNamespaceName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !name.includes("/") && !name.includes("\0") && name.length <= 255;
}

export interface NamespaceDirectoryOptions {
  dir?: string;
  intervalMs?: number;
  onAdd(ns: NamedNamespace): void;
  onRemove(ns: NamedNamespace): void;
}

export class NamespaceDirectory {
  readonly dir: string;
  private readonly known = new Map<string, NamedNamespace>();
  private timer: NodeJS.Timeout | undefined;
  private fsWatcher: FSWatcher | undefined;
  private readonly ownId = ownNamespaceId();
  private ownWarned = false;

  constructor(private readonly opts: NamespaceDirectoryOptions) {
    this.dir = opts.dir ?? NETNS_DIR;
  }

  /** Scans at once (callbacks run before this returns), then keeps watching. */
  start(): void {
    this.timer = setInterval(() => this.scan(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
    this.scan();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.fsWatcher?.close();
    this.fsWatcher = undefined;
  }

  /** The namespaces currently known. */
  list(): NamedNamespace[] {
    return [...this.known.values()];
  }

  scan(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      names = []; // no directory: no named namespaces (yet)
    }
    this.ensureFsWatch();
    const seen = new Set<string>();
    for (const name of names) {
      if (!validNamespaceName(name)) continue;
      const path = join(this.dir, name);
      const id = namespaceId(path);
      if (id === undefined) continue;
      if (id === this.ownId) {
        if (!this.ownWarned) log.warn("named namespace is the agent's own; its interfaces are matched by plain patterns", { netns: name });
        this.ownWarned = true;
        continue;
      }
      seen.add(name);
      const old = this.known.get(name);
      if (old && old.id === id) continue;
      if (old) this.remove(old);
      const ns = { name, path, id };
      this.known.set(name, ns);
      this.opts.onAdd(ns);
    }
    for (const ns of [...this.known.values()]) if (!seen.has(ns.name)) this.remove(ns);
  }

  private remove(ns: NamedNamespace): void {
    this.known.delete(ns.name);
    this.opts.onRemove(ns);
  }

  private ensureFsWatch(): void {
    if (this.fsWatcher || !this.timer) return;
    try {
      this.fsWatcher = watch(this.dir, { persistent: false }, () => setImmediate(() => this.timer && this.scan()));
      this.fsWatcher.on("error", () => {
        this.fsWatcher?.close();
        this.fsWatcher = undefined;
      });
    } catch {
      // Not there yet: the poll carries on and retries the watch.
    }
  }
}
