import type { MotionFrame } from '@joyvasa/core';
import type { KeypointInfo } from '../src/motion/keypoint-info.js';
import { type RotatedMotionFrame, rotateMotionFrame } from '../src/motion/rotated-motion-frame.js';
import { rotationMatrix } from '../src/motion/rotation-matrix.js';

/**
 * The source and generated frames the motion tests drive: 63 smooth values in ±0.2 per seed, with
 * `skew · (i mod 3)` added to the phase (a skew of 1 separates the x, y and z of each keypoint more).
 */
export function motionFixtures(skew = 0) {
  const wave = (seed: number) =>
    Float32Array.from({ length: 63 }, (_, i) => 0.2 * Math.sin(seed + 0.7 * i + skew * (i % 3)));
  const source: KeypointInfo = {
    pitch: 5,
    yaw: -10,
    roll: 3,
    rotation: rotationMatrix(5, -10, 3) as Float32Array,
    scale: 1.2,
    t: Float32Array.of(0.1, -0.05, 0.3),
    exp: wave(1),
    kp: wave(2),
  };
  /** A generated frame with its head pose `angles` (degrees). */
  const frame = (seed: number, scale: number, angles: [number, number, number]): MotionFrame => ({
    exp: wave(seed),
    scale,
    t: Float32Array.of(0.01 * seed, -0.02 * seed, 0.4),
    pitch: angles[0],
    yaw: angles[1],
    roll: angles[2],
  });
  /** The same frame with its rotation matrix, as the keypoint maths takes it; float64, so R·Rᵀ is I. */
  const rotated = (seed: number, scale: number, angles: [number, number, number]): RotatedMotionFrame => ({
    ...rotateMotionFrame(frame(seed, scale, angles)),
    rotation: rotationMatrix(...angles, new Float64Array(9)),
  });
  return { source, frame, rotated };
}
