// A small tmpfs mounted for one test: a disk that fills up on cue. Unmounted
// lazily after the test (also when it fails), so a file a process still holds
// open does not keep the mount in place.
import type { TestContext } from "node:test";
import { mkdtempSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execOk, HOST_NS } from "./exec.js";

/** Mounts a tmpfs of `size` (mount's syntax: "64k") on a new directory; returns its path. */
export async function mountTmpfs(t: TestContext, size: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-tmpfs-"));
  t.after(async () => {
    await execOk(HOST_NS, ["umount", "-l", dir]).catch(() => undefined); // not mounted if the mount itself failed
    rmdirSync(dir);
  });
  await execOk(HOST_NS, ["mount", "-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
  return dir;
}
