import type { GoldenCase } from '../golden-case.js';

/** Golden parity cases of the audio modules. */
export const audioCases: readonly GoldenCase[] = [];
