import { graphIo, InvalidInputError, type TensorLike } from '@joyvasa/core';
import { headPoseBins, headPoseToDegrees } from './head-pose.js';
import { rotationMatrix } from './rotation-matrix.js';

/** Number of implicit keypoints. */
export const keypointCount = 21;

/** The motion extractor's output for one image, interpreted (`get_kp_info`). */
export interface KeypointInfo {
  /** Head pose, degrees. */
  readonly pitch: number;
  readonly yaw: number;
  readonly roll: number;
  /** `rotationMatrix(pitch, yaw, roll)`, 9 values row-major. */
  readonly rotation: Float32Array;
  /** Scale, used raw. */
  readonly scale: number;
  /** Translation (tx, ty, tz); tz is never used. */
  readonly t: Float32Array;
  /** Expression deformation, 21 keypoints × (x, y, z), keypoint-major (63 values). */
  readonly exp: Float32Array;
  /** Canonical keypoints, 21 × 3 (63 values). */
  readonly kp: Float32Array;
}

function values(outputs: Readonly<Record<string, TensorLike>>, name: string, count: number): Float32Array {
  const tensor = outputs[name];
  if (tensor?.type !== 'float32' || tensor.data.length !== count) {
    throw new InvalidInputError(
      `motion extractor output '${name}'`,
      `expected float32 with ${count} values (batch 1), got ${tensor ? `${tensor.type} [${tensor.dims.join(', ')}]` : 'nothing'}`,
    );
  }
  const data = tensor.data as Float32Array;
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new InvalidInputError(`motion extractor output '${name}'`, `value ${i} is ${data[i]}`);
    }
  }
  return data;
}

/**
 * Interprets the motion extractor M's outputs for one image (batch 1): `pitch`, `yaw`, `roll` as 66 logits
 * each (converted to degrees, see `headPoseToDegrees`) or as one value already in degrees; `t` (3),
 * `exp` (63), `scale` (1) and `kp` (63). Throws {@link InvalidInputError} for a missing, mis-sized or
 * non-finite output.
 */
export function parseKeypointInfo(outputs: Readonly<Record<string, TensorLike>>): KeypointInfo {
  const angle = (name: string): number => {
    const logits =
      outputs[name]?.data.length === 1 ? values(outputs, name, 1) : values(outputs, name, headPoseBins);
    return logits.length === 1 ? logits[0]! : headPoseToDegrees(logits);
  };
  const names = graphIo.motionExtractor.outputs;
  const [pitch, yaw, roll] = [angle(names.pitch), angle(names.yaw), angle(names.roll)];
  return {
    pitch,
    yaw,
    roll,
    rotation: rotationMatrix(pitch, yaw, roll) as Float32Array,
    scale: values(outputs, names.scale, 1)[0]!,
    t: Float32Array.from(values(outputs, names.translation, 3)),
    exp: Float32Array.from(values(outputs, names.expression, 3 * keypointCount)),
    kp: Float32Array.from(values(outputs, names.keypoints, 3 * keypointCount)),
  };
}
