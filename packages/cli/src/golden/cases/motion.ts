import type { GoldenCase } from '@joyvasa/model-builder';

/** Golden parity cases of the motion modules. */
export const motionCases: readonly GoldenCase[] = [];
