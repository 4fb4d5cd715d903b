import type { ResolvedMotionTemplate } from './motion-template.js';

/** One frame of LivePortrait motion, de-normalised (spec §1.8). */
export interface MotionFrame {
  /** Expression offsets δ, 21 keypoints × (x, y, z), keypoint-major. */
  readonly exp: Float32Array;
  readonly scale: number;
  /** Translation (tx, ty, tz); LivePortrait ignores tz. */
  readonly t: Float32Array;
  /** Head pose in degrees. */
  readonly pitch: number;
  readonly yaw: number;
  readonly roll: number;
  /** R = (Rz·Ry·Rx)ᵀ of the angles, row-major 3×3, applied to row vectors (`x @ R`), as LivePortrait. */
  readonly rotation: Float32Array;
}

/** Length of the normalised motion vector: 63 expression + scale + 3 translation + 3 angles. */
export const motionVectorLength = 70;

/** LivePortrait's `get_rotation_matrix` for angles in degrees: (Rz Ry Rx)ᵀ, row-major. */
export function rotationMatrix(pitch: number, yaw: number, roll: number): Float32Array {
  const toRadians = Math.PI / 180;
  const [cx, sx] = [Math.cos(pitch * toRadians), Math.sin(pitch * toRadians)];
  const [cy, sy] = [Math.cos(yaw * toRadians), Math.sin(yaw * toRadians)];
  const [cz, sz] = [Math.cos(roll * toRadians), Math.sin(roll * toRadians)];
  // Rz·Ry·Rx written out, then stored transposed.
  const m = [
    [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx],
    [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx],
    [-sy, cy * sx, cy * cx],
  ];
  return Float32Array.from([0, 1, 2].flatMap((row) => [0, 1, 2].map((col) => m[col]![row]!)));
}

/** Builds a frame from the 7 pose values [scale, tx, ty, tz, pitch, yaw, roll] and the expression. */
export function motionFrame(exp: Float32Array, pose: ArrayLike<number>): MotionFrame {
  const [pitch, yaw, roll] = [Math.fround(pose[4]!), Math.fround(pose[5]!), Math.fround(pose[6]!)];
  return {
    exp,
    scale: Math.fround(pose[0]!),
    t: Float32Array.from([pose[1]!, pose[2]!, pose[3]!]),
    pitch,
    yaw,
    roll,
    rotation: rotationMatrix(pitch, yaw, roll),
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
