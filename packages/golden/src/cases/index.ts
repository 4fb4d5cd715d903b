import type { GoldenCase } from '../golden-case.js';
import { audioCases } from './audio.js';
import { liveportraitCases } from './liveportrait.js';
import { liveportraitRuntimeCases } from './liveportrait-runtime.js';
import { motionCases } from './motion.js';
import { pipelineCases } from './pipeline.js';

/** Every golden parity case, in the order `pnpm golden` runs them. */
export const goldenCases: readonly GoldenCase[] = [
  ...liveportraitCases,
  ...liveportraitRuntimeCases,
  ...motionCases,
  ...audioCases,
  ...pipelineCases,
];
