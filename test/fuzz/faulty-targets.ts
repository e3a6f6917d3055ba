// Decoders that misbehave on purpose, for the engine's own tests: each keys
// its fault to the input's length, which the seed's truncation cases reach
// in the first few dozen cases.
import type { FuzzTarget } from "./target.js";
import { count, violation } from "./target.js";

const SEED = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

const FAULTS: Record<string, (input: Uint8Array) => void> = {
  clean: () => {},
  throws: (input) => {
    if (input.length === 3) (null as unknown as { x: number }).x = 1; // a TypeError, as a decoder bug would raise
  },
  violates: (input) => {
    if (input.length === 3) violation("an offset past the end");
  },
  slow: (input) => {
    const until = performance.now() + (input.length === 5 ? 150 : 0);
    while (performance.now() < until);
  },
  stuck: (input) => {
    while (input.length === 2);
  },
  greedy: (input) => {
    const hoard: number[][] = [];
    while (input.length === 4) hoard.push(new Array(1 << 16).fill(hoard.length));
  },
};

export function createTarget(name: string): FuzzTarget {
  const fault = FAULTS[name];
  if (!fault) throw new Error(`no faulty target ${name}`);
  const reached = new Map<string, number>();
  return {
    name,
    contract: "none: it misbehaves on purpose",
    seeds: [{ name: "eight octets", bytes: SEED, lengthFields: [{ offset: 0, width: 2 }] }],
    mutator: { maxLength: 64 },
    epoch: 1,
    reached,
    reset() {},
    run(input) {
      count(reached, `length ${input.length}`);
      fault(input);
    },
  };
}
