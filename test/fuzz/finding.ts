// A crash or hang the fuzz engine found: the case that shows it, how to get
// it again, and the input as hex for a regression test.

export interface Finding {
  kind: "crash" | "hang";
  target: string;
  seed: number;
  caseIndex: number;
  /** The exception (name, message, first stack frames), or the hang's duration. */
  error: string;
  ms: number;
  input: Uint8Array;
}

/** Longest input shown whole; longer ones are cut in the text (the saved file has them whole). */
const SHOWN_OCTETS = 512;

export function describeFinding(f: Finding): string {
  const hex = Buffer.from(f.input.subarray(0, SHOWN_OCTETS)).toString("hex");
  const cut = f.input.length > SHOWN_OCTETS ? `... (${f.input.length} octets)` : ` (${f.input.length} octets)`;
  return [
    `${f.kind} in ${f.target}, case ${f.caseIndex} of seed ${f.seed} (${f.ms.toFixed(1)} ms): ${f.error}`,
    `  input: ${hex}${cut}`,
    `  again: node dist/bench/fuzz.js --only ${f.target} --seed ${f.seed} --case ${f.caseIndex}`,
  ].join("\n");
}

/** The exception as a finding names it: name, message and the frames that locate it. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error thrown: ${String(e)}`;
  const frames = (e.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at ")).slice(0, 4);
  return [`${e.name}: ${e.message}`, ...frames.map((l) => `    ${l.trim()}`)].join("\n");
}
