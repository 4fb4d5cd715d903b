import { InvalidInputError } from '@joyvasa/core';
import { type KeypointInfo, keypointCount } from './keypoint-info.js';

/**
 * `x = scale · (kp · R + delta) + t` for 21 keypoint rows, with `t.z` ignored (the official
 * `transform_keypoint` and the animation loop's Eqn. 2). `rotation` is 9 values row-major, `kp` and
 * `delta` 63 values keypoint-major, `t` 3 values. Writes into `out` (63 values) and returns it.
 */
export function applyKeypointTransform(
  kp: ArrayLike<number>,
  rotation: ArrayLike<number>,
  delta: ArrayLike<number>,
  scale: number,
  t: ArrayLike<number>,
  out: Float32Array | Float64Array = new Float32Array(3 * keypointCount),
): Float32Array | Float64Array {
  const n = 3 * keypointCount;
  if (kp.length !== n || delta.length !== n || out.length !== n || rotation.length !== 9 || t.length < 2) {
    throw new InvalidInputError(
      'keypoint transform',
      `expected kp, delta and out of ${n} values, a 9-value rotation and t of 3; got ${kp.length}, ${delta.length}, ` +
        `${out.length}, ${rotation.length}, ${t.length}`,
    );
  }
  const [tx, ty] = [t[0]!, t[1]!];
  for (let k = 0; k < keypointCount; k++) {
    const [x, y, z] = [kp[3 * k]!, kp[3 * k + 1]!, kp[3 * k + 2]!];
    for (let j = 0; j < 3; j++) {
      const rotated = x * rotation[j]! + y * rotation[3 + j]! + z * rotation[6 + j]!;
      out[3 * k + j] = scale * (rotated + delta[3 * k + j]!) + (j === 0 ? tx : j === 1 ? ty : 0);
    }
  }
  return out;
}

/** The source keypoints `x_s` of a motion-extractor result: {@link applyKeypointTransform} with its own pose. */
export function transformKeypoint(info: KeypointInfo): Float32Array {
  return applyKeypointTransform(info.kp, info.rotation, info.exp, info.scale, info.t) as Float32Array;
}
