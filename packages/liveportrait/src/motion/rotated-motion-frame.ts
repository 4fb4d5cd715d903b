import type { FrameMotion } from './combine-motion.js';
import { rotationMatrix } from './rotation-matrix.js';

/** Generated motion with the head pose as angles, as `sampleMotion` of `@joyvasa/motion-diffusion` gives it. */
export interface AngleMotion extends Omit<FrameMotion, 'rotation'> {
  /** Head pose in degrees: pitch about x, yaw about y, roll about z. */
  readonly pitch: number;
  readonly yaw: number;
  readonly roll: number;
}

/**
 * The {@link FrameMotion} of motion whose head pose is given as angles: the rotation is
 * {@link rotationMatrix} of them (float32, like the source's). `exp` and `t` are shared, not copied.
 *
 * @throws InvalidInputError when an angle is not finite.
 */
export function frameMotionFromAngles(motion: AngleMotion): FrameMotion {
  return {
    exp: motion.exp,
    scale: motion.scale,
    t: motion.t,
    rotation: rotationMatrix(motion.pitch, motion.yaw, motion.roll),
  };
}
