// What every part of the message decoder shares: the message's bytes, a view
// over them, and the list its problems go into.
import { problem, type BmpProblem, type BmpProblemCode, type ProblemAction } from "./problem.js";

export interface DecodeContext {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly problems: BmpProblem[];
}

export function newContext(bytes: Uint8Array): DecodeContext {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), problems: [] };
}

export function report(ctx: DecodeContext, code: BmpProblemCode, action: ProblemAction, offset: number, message: string, attributeType?: number): void {
  ctx.problems.push(problem(code, action, offset, message, attributeType));
}
