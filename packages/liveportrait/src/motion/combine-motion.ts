import { type AnimationMode, InvalidInputError, type MotionFrame } from '@joyvasa/core';
import { type KeypointInfo, keypointCount } from './keypoint-info.js';
import type { RotatedMotionFrame } from './rotated-motion-frame.js';
import { applyKeypointTransform } from './transform-keypoint.js';

/** Which part of the generated motion drives the source (`animation_region`). */
export type AnimationRegion = 'all' | 'exp' | 'pose' | 'lip' | 'eyes';

/** Every {@link AnimationRegion}. */
export const animationRegions: readonly AnimationRegion[] = ['all', 'exp', 'pose', 'lip', 'eyes'];

/** Checks an animation region; `what` names the option in the error. */
export function assertAnimationRegion(what: string, region: AnimationRegion): void {
  if (!animationRegions.includes(region)) {
    throw new InvalidInputError(what, `must be ${animationRegions.join(', ')}, got ${region}`);
  }
}

/** Human or animal pipeline: they combine motion differently (see {@link combineMotion}). */
export type { AnimationMode };

/** Options of {@link combineMotion}. */
export interface CombineMotionOptions {
  /** Default `'human'`. */
  readonly mode?: AnimationMode;
  /** Human mode only; the animal pipeline always animates everything. Default `'all'`. */
  readonly region?: AnimationRegion;
}

/** The lip keypoints whose expression rows the human pipeline takes from the generated motion as is. */
export const lipKeypoints: readonly number[] = [6, 12, 14, 17, 19, 20];

const n = 3 * keypointCount;

/** Checks a frame of motion; throws {@link InvalidInputError} naming `what`. */
export function assertMotionFrame(what: string, frame: MotionFrame): void {
  const ok =
    frame?.exp?.length === n &&
    (frame.t?.length ?? 0) >= 3 &&
    Number.isFinite(frame.scale) &&
    frame.scale !== 0;
  if (!ok) {
    throw new InvalidInputError(
      what,
      `expected { exp: ${n} values, scale: non-zero number, t: 3 values, pitch, yaw, roll: degrees }`,
    );
  }
  for (const [name, values] of [
    ['exp', frame.exp],
    ['t', frame.t],
  ] as const) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new InvalidInputError(what, `${name}[${i}] is ${values[i]}`);
    }
  }
  for (const angle of ['pitch', 'yaw', 'roll'] as const) {
    if (!Number.isFinite(frame[angle])) throw new InvalidInputError(what, `${angle} is ${frame[angle]}`);
  }
}

/** Reusable buffers of one combination, so that a per-frame loop allocates nothing. */
export interface CombineScratch {
  readonly rotation: Float64Array;
  readonly delta: Float64Array;
  readonly t: Float64Array;
}

/** Fresh {@link CombineScratch} buffers. */
export function createCombineScratch(): CombineScratch {
  return { rotation: new Float64Array(9), delta: new Float64Array(n), t: new Float64Array(3) };
}

/**
 * The driving keypoints of one frame before the motion multiplier and stitching (the official animation
 * loop, relative to the first generated frame `first`):
 * - rotation `R = (R_i · R_0ᵀ) · R_s` (human: regions `all`, `pose`; else `R_s`);
 * - expression `exp_s + (exp_i − exp_0)` (human: regions `all`, `exp`, with the lip rows {6, 12, 14, 17, 19, 20}
 *   replaced by the absolute `exp_i`; region `lip`: only the lip rows move, relatively; `pose` and `eyes`
 *   keep `exp_s`, as the official JoyVASA loop, which has no eye branch);
 * - scale `s_s · s_i / s_0` (animal: `s_s`);
 * - translation `t_s + (t_i − t_0)` with z zeroed;
 * - `x_d = scale · (kp_s · R + exp) + t`.
 * Writes 63 values into `out` and returns it.
 */
export function combineMotion(
  source: KeypointInfo,
  frame: RotatedMotionFrame,
  first: RotatedMotionFrame,
  options: CombineMotionOptions = {},
  out: Float64Array | Float32Array = new Float64Array(n),
  scratch: CombineScratch = createCombineScratch(),
): Float64Array | Float32Array {
  const mode = options.mode ?? 'human';
  const region = options.region ?? 'all';
  if (mode === 'animal' && region !== 'all') {
    throw new InvalidInputError(
      'options.region',
      "the animal pipeline animates every region; use region 'all'",
    );
  }
  const rotate = mode === 'animal' || region === 'all' || region === 'pose';
  relativeRotation(frame.rotation, first.rotation, source.rotation, rotate, scratch.rotation);
  const { delta } = scratch;
  for (let i = 0; i < n; i++) {
    const relative = source.exp[i]! + (frame.exp[i]! - first.exp[i]!);
    delta[i] = mode === 'animal' || region === 'all' || region === 'exp' ? relative : source.exp[i]!;
  }
  if (mode === 'human' && region !== 'pose' && region !== 'eyes') {
    const absolute = region !== 'lip';
    for (const k of lipKeypoints) {
      for (let a = 0; a < 3; a++) {
        const i = 3 * k + a;
        delta[i] = absolute ? frame.exp[i]! : source.exp[i]! + (frame.exp[i]! - first.exp[i]!);
      }
    }
  }
  const scale = mode === 'animal' ? source.scale : source.scale * (frame.scale / first.scale);
  const { t } = scratch;
  for (let a = 0; a < 2; a++) t[a] = source.t[a]! + (frame.t[a]! - first.t[a]!);
  t[2] = 0;
  return applyKeypointTransform(source.kp, scratch.rotation, delta, scale, t, out);
}

/** `(R_i · R_0ᵀ) · R_s` into `out`, or `R_s` when `rotate` is false. */
function relativeRotation(
  current: ArrayLike<number>,
  first: ArrayLike<number>,
  source: ArrayLike<number>,
  rotate: boolean,
  out: Float64Array,
): void {
  if (!rotate) {
    for (let i = 0; i < 9; i++) out[i] = source[i]!;
    return;
  }
  const relative = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      // R_0ᵀ[k][c] = R_0[c][k]
      relative[3 * r + c] =
        current[3 * r]! * first[3 * c]! +
        current[3 * r + 1]! * first[3 * c + 1]! +
        current[3 * r + 2]! * first[3 * c + 2]!;
    }
  }
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[3 * r + c] =
        relative[3 * r]! * source[c]! +
        relative[3 * r + 1]! * source[3 + c]! +
        relative[3 * r + 2]! * source[6 + c]!;
    }
  }
}
