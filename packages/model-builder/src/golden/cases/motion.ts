import type { GoldenCase } from '../golden-case.js';

/** Golden parity cases of the motion modules. */
export const motionCases: readonly GoldenCase[] = [];
