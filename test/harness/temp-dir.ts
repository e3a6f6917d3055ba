// A temporary directory that goes when the test (or, outside a test, the
// file) ends, even when it fails: the leak check fails files that leave one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, type TestContext } from "node:test";

/**
 * A fresh directory under TMPDIR, removed by t.after(), or without `t` by an
 * after() hook of whatever runs the call: the enclosing test or suite, or the
 * file when called at the top level.
 */
export function tempDir(prefix: string, t?: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  if (t) t.after(remove);
  else after(remove);
  return dir;
}
