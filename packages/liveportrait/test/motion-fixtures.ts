import type { FrameMotion } from '../src/motion/combine-motion.js';
import type { KeypointInfo } from '../src/motion/keypoint-info.js';
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
  /** A generated frame with a float64 rotation of `angles` (degrees). */
  const frame = (seed: number, scale: number, angles: [number, number, number]): FrameMotion => ({
    exp: wave(seed),
    scale,
    t: [0.01 * seed, -0.02 * seed, 0.4],
    rotation: rotationMatrix(...angles, new Float64Array(9)),
  });
  return { source, frame };
}
