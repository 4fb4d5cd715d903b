import type { GoldenCase } from '@joyvasa/model-builder';

/** Golden parity cases of LivePortrait's runtime TypeScript (keypoint transform, stitching as applied). */
export const liveportraitRuntimeCases: readonly GoldenCase[] = [];
