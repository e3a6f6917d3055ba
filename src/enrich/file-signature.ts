// A file's identity for "has it been replaced or changed?": device, inode,
// size and modification time; a stat error is an identity too, so a file
// that went missing is reported once, not on every check.
import type { BigIntStats } from "node:fs";
import { stat } from "node:fs/promises";

export function signatureOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

export async function fileSignature(path: string): Promise<string> {
  try {
    return signatureOf(await stat(path, { bigint: true }));
  } catch (err) {
    return `error:${(err as NodeJS.ErrnoException).code ?? "unknown"}`;
  }
}
