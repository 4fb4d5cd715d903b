import type { MotionFrame } from '@joyvasa/core';
import type { ResolvedMotionTemplate } from './motion-template.js';

/** Length of the normalised motion vector: 63 expression + scale + 3 translation + 3 angles. */
export const motionVectorLength = 70;

/**
 * Builds a frame from the 7 pose values [scale, tx, ty, tz, pitch, yaw, roll] and the expression: `exp` and
 * `t` as Float32Array, the angles rounded to float32.
 */
export function motionFrame(exp: Float32Array, pose: ArrayLike<number>): MotionFrame {
  return {
    exp,
    scale: Math.fround(pose[0]!),
    t: Float32Array.from([pose[1]!, pose[2]!, pose[3]!]),
    pitch: Math.fround(pose[4]!),
    yaw: Math.fround(pose[5]!),
    roll: Math.fround(pose[6]!),
  };
}

/**
 * De-normalises motion rows [frames, 70]: `exp = c·std + mean`, the other 7 dims `c·(max − min) + min`
 * (no epsilon, as the official wrapper). Returns the 7 pose values per frame beside the expression.
 */
export function denormaliseMotion(
  normalised: Float32Array,
  template: ResolvedMotionTemplate,
): { exp: Float32Array; pose: Float64Array }[] {
  const frames = normalised.length / motionVectorLength;
  const out = [];
  for (let frame = 0; frame < frames; frame++) {
    const row = normalised.subarray(frame * motionVectorLength, (frame + 1) * motionVectorLength);
    const exp = new Float32Array(63);
    for (let i = 0; i < 63; i++) exp[i] = row[i]! * template.stdExp[i]! + template.meanExp[i]!;
    const pose = new Float64Array(7);
    for (let i = 0; i < 7; i++) {
      const low = template.poseMin[i]!;
      pose[i] = row[63 + i]! * (template.poseMax[i]! - low) + low;
    }
    out.push({ exp, pose });
  }
  return out;
}
