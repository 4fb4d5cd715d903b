import type { GoldenCase } from '../golden-case.js';
import { audioCases } from './audio.js';
import { liveportraitCases } from './liveportrait.js';
import { motionCases } from './motion.js';

/** Every golden parity case, in the order `pnpm golden` runs them. */
export const goldenCases: readonly GoldenCase[] = [...liveportraitCases, ...motionCases, ...audioCases];
