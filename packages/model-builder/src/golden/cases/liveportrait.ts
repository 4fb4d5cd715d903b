import type { GoldenCase } from '../golden-case.js';

/** Golden parity cases of the liveportrait modules. */
export const liveportraitCases: readonly GoldenCase[] = [];
