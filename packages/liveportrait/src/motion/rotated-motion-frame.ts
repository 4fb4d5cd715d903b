import type { MotionFrame } from '@joyvasa/core';
import { rotationMatrix } from './rotation-matrix.js';

/** A {@link MotionFrame} with its head pose as a rotation matrix: the form the keypoint maths works on. */
export interface RotatedMotionFrame extends Omit<MotionFrame, 'pitch' | 'yaw' | 'roll'> {
  /** `rotationMatrix(pitch, yaw, roll)`, 9 values row-major. */
  readonly rotation: ArrayLike<number>;
}

/**
 * The {@link RotatedMotionFrame} of a frame: the rotation is {@link rotationMatrix} of its angles (float32,
 * like the source's). `exp` and `t` are shared, not copied.
 *
 * @throws InvalidInputError when an angle is not finite.
 */
export function rotateMotionFrame(frame: MotionFrame): RotatedMotionFrame {
  return {
    exp: frame.exp,
    scale: frame.scale,
    t: frame.t,
    rotation: rotationMatrix(frame.pitch, frame.yaw, frame.roll),
  };
}
