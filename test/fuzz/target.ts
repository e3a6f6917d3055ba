// What the fuzz engine drives: one decoder that takes bytes from outside,
// its seeds, and the contract a case is checked against.
import type { MutatorOptions, Seed } from "./mutator.js";
import type { Prng } from "./prng.js";

export interface FuzzTarget {
  readonly name: string;
  /** What the decoder promises for any input, in a sentence (printed with findings). */
  readonly contract: string;
  readonly seeds: readonly Seed[];
  readonly mutator: MutatorOptions;
  /**
   * Cases share decoder state (a template cache, a flow table) for this many
   * cases, then reset() starts afresh; so a case reproduces by replaying at
   * most an epoch. 1: every case starts from a fresh state.
   */
  readonly epoch: number;
  reset(): void;
  /**
   * Runs one case. Returns when the decoder kept its contract; anything
   * thrown is a crash: an exception the decoder does not document, or a
   * ContractViolation the target found in what it returned.
   */
  run(input: Uint8Array, rng: Prng): void | Promise<void>;
  /** Outcomes and problem codes the cases reached, counted: the tests assert the error paths are reached. */
  readonly reached: Map<string, number>;
}

/** A decoder's result that breaks its documented contract (an internal_error, an offset out of range...). */
export class ContractViolation extends Error {
  override name = "ContractViolation";
}

export function violation(message: string): never {
  throw new ContractViolation(message);
}

export function count(reached: Map<string, number>, key: string): void {
  reached.set(key, (reached.get(key) ?? 0) + 1);
}
