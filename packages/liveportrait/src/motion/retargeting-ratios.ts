import { InvalidInputError, type RunOptions } from '@joyvasa/core';
import { keypointCount } from './keypoint-info.js';
import { type MlpRunner, runMlp } from './mlp-runner.js';

function assert203(landmarks: ArrayLike<number>): void {
  if (landmarks.length !== 406) {
    throw new InvalidInputError(
      'landmarks203',
      `expected 203 (x, y) points (406 values), got ${landmarks.length}`,
    );
  }
  for (let i = 0; i < 406; i++) {
    if (!Number.isFinite(landmarks[i]!))
      throw new InvalidInputError('landmarks203', `value ${i} is ${landmarks[i]}`);
  }
}

/** `|p_a − p_b| / (|p_c − p_d| + 1e-6)` on flat (x, y) landmarks (`calculate_distance_ratio`). */
function distanceRatio(points: ArrayLike<number>, a: number, b: number, c: number, d: number): number {
  const top = Math.hypot(points[2 * a]! - points[2 * b]!, points[2 * a + 1]! - points[2 * b + 1]!);
  const bottom = Math.hypot(points[2 * c]! - points[2 * d]!, points[2 * c + 1]! - points[2 * d + 1]!);
  return top / (bottom + 1e-6);
}

/**
 * Eye openness on 203-point landmarks (`calc_eye_close_ratio`): left `|p6 − p18| / |p0 − p12|`, right
 * `|p30 − p42| / |p24 − p36|`. The ratios are invariant to the crop's similarity transform, so landmarks
 * in any coordinates work.
 */
export function eyeCloseRatios(landmarks203: ArrayLike<number>): [number, number] {
  assert203(landmarks203);
  return [distanceRatio(landmarks203, 6, 18, 0, 12), distanceRatio(landmarks203, 30, 42, 24, 36)];
}

/** Lip openness on 203-point landmarks (`calc_lip_close_ratio`): `|p90 − p102| / |p48 − p66|`. */
export function lipCloseRatio(landmarks203: ArrayLike<number>): number {
  assert203(landmarks203);
  return distanceRatio(landmarks203, 90, 102, 48, 66);
}

function withKeypoints(source: ArrayLike<number>, extra: readonly number[]): Float32Array {
  const n = 3 * keypointCount;
  if (source.length !== n)
    throw new InvalidInputError('source keypoints', `expected ${n} values, got ${source.length}`);
  const input = new Float32Array(n + extra.length);
  input.set(source as ArrayLike<number>, 0);
  input.set(extra, n);
  return input;
}

/** The lip retargeting MLP's input: `concat(x_s, [c_s_lip, c_d_lip])` (65 values). */
export function lipRetargetingInput(
  source: ArrayLike<number>,
  sourceLip: number,
  drivingLip: number,
): Float32Array {
  return withKeypoints(source, [sourceLip, drivingLip]);
}

/** The eye retargeting MLP's input: `concat(x_s, [c_s_eye_left, c_s_eye_right, c_d_eye])` (66 values). */
export function eyeRetargetingInput(
  source: ArrayLike<number>,
  sourceEyes: readonly [number, number],
  drivingEye: number,
): Float32Array {
  return withKeypoints(source, [sourceEyes[0], sourceEyes[1], drivingEye]);
}

/** Lip-open ratio from which the source's mouth is closed before animating (`lip_normalize_threshold`). */
export const lipNormalizeThreshold = 0.03;

/**
 * The lip normalisation of the human pipeline ("let lip-open scalar be 0 at first"): with the source's lip
 * ratio `c` (its 203 landmarks' {@link lipCloseRatio}, or a locator's `openness.lip`), if `c ≥ threshold`
 * the lip MLP's output for `[c, 0]` as 63 keypoint offsets, else null (the mouth is already closed
 * enough). The caller applies it only with relative motion.
 */
export async function lipDeltaFromRatio(
  source: ArrayLike<number>,
  ratio: number,
  lip: MlpRunner,
  options: RunOptions & { readonly threshold?: number } = {},
): Promise<Float32Array | null> {
  if (!Number.isFinite(ratio))
    throw new InvalidInputError('lip ratio', `expected a finite number, got ${ratio}`);
  if (!(ratio >= (options.threshold ?? lipNormalizeThreshold))) return null;
  const input = lipRetargetingInput(source, ratio, 0);
  return Float32Array.from(await runMlp(lip, 'lip retargeting', input, 3 * keypointCount, options));
}

/** {@link lipDeltaFromRatio} with the ratio measured on the source's 203 landmarks. */
export async function computeLipDelta(
  source: ArrayLike<number>,
  landmarks203OrRatio: ArrayLike<number> | number,
  lip: MlpRunner,
  options: RunOptions & { readonly threshold?: number } = {},
): Promise<Float32Array | null> {
  const ratio =
    typeof landmarks203OrRatio === 'number' ? landmarks203OrRatio : lipCloseRatio(landmarks203OrRatio);
  return lipDeltaFromRatio(source, ratio, lip, options);
}
