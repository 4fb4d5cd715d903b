import type { GoldenCase } from '@joyvasa/model-builder';

/** Golden parity cases of the audio modules. */
export const audioCases: readonly GoldenCase[] = [];
