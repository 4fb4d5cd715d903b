import type { FuzzRng } from './fuzz-rng.js';

/**
 * One entry point that takes untrusted input. `generate` makes a case (a structure-aware variation of a
 * valid input, or random bytes over one); `run` feeds it to the entry point, which must either succeed or
 * throw a JoyvasaError, and must return in bounded time.
 */
export interface FuzzTarget<Input = Uint8Array> {
  readonly name: string;
  generate(rng: FuzzRng): Input | Promise<Input>;
  run(input: Input): unknown;
}

/** Defines a target with its input type checked. */
export function fuzzTarget<Input>(target: FuzzTarget<Input>): FuzzTarget<unknown> {
  return target as FuzzTarget<unknown>;
}
