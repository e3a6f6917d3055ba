// The bytes real peers sent, as test/fixtures/captures holds them (see its
// README for how each was made and capture/main.ts to make them again).
import { readFileSync } from "node:fs";
import { packagePath } from "../../src/paths.js";

export function capture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(packagePath("test", "fixtures", "captures", name)));
}
