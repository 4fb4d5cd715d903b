import { InvalidInputError, type MotionFrame, type RunOptions } from '@joyvasa/core';
import {
  type AnimationMode,
  type AnimationRegion,
  assertAnimationRegion,
  assertMotionFrame,
  combineMotion,
  createCombineScratch,
} from './combine-motion.js';
import { motionMultiplier } from './convex-hull-volume.js';
import { type KeypointInfo, keypointCount } from './keypoint-info.js';
import type { MlpRunner } from './mlp-runner.js';
import { type RotatedMotionFrame, rotateMotionFrame } from './rotated-motion-frame.js';
import { stitchKeypointBatch } from './stitching.js';
import { transformKeypoint } from './transform-keypoint.js';

/** `driving_option`: whether the first frame's keypoints are rescaled to the source's (expression-friendly). */
export type DrivingOption = 'expression-friendly' | 'pose-friendly';

/** Every {@link DrivingOption}. */
export const drivingOptions: readonly DrivingOption[] = ['expression-friendly', 'pose-friendly'];

/** Checks a driving option; `what` names the option in the error. */
export function assertDrivingOption(what: string, value: DrivingOption): void {
  if (!drivingOptions.includes(value)) {
    throw new InvalidInputError(
      what,
      `must be 'expression-friendly' or 'pose-friendly', got ${String(value)}`,
    );
  }
}

/** The largest driving multiplier accepted (the official CLI's is 1.1). */
export const maxDrivingMultiplier = 3;

/** Checks a driving multiplier: a number from 0 to {@link maxDrivingMultiplier}; `what` names the option. */
export function assertDrivingMultiplier(what: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > maxDrivingMultiplier) {
    throw new InvalidInputError(what, `must be a number from 0 to ${maxDrivingMultiplier}, got ${value}`);
  }
}

/** Options of {@link createKeypointDriver}; defaults are the official Gradio app's. */
export interface KeypointDriverOptions {
  /** Default `'human'`. */
  readonly mode?: AnimationMode;
  /** Human mode only. Default `'all'`. */
  readonly region?: AnimationRegion;
  /** `flag_relative_motion`: enables the motion multiplier (human). Default true. */
  readonly relativeMotion?: boolean;
  /** Default `'expression-friendly'`. */
  readonly drivingOption?: DrivingOption;
  /** `x_d = x_s + (x_d − x_s) · m`. Default 1 (the official CLI uses 1.1). */
  readonly drivingMultiplier?: number;
  /** The stitching MLP; without it, no stitching (`flag_stitching` off). */
  readonly stitching?: MlpRunner;
  /** Lip normalisation offsets from `computeLipDelta` (human, relative motion only), or null. */
  readonly lipDelta?: ArrayLike<number> | null;
}

/** Turns generated motion into the driving keypoints of each frame, keeping the first frame's state. */
export interface KeypointDriver {
  /** The source keypoints `x_s` (63 values), the warping module's `kp_source`. */
  readonly sourceKeypoints: Float32Array;
  /** The expression-friendly multiplier once the first frame has been driven, else null. */
  readonly motionMultiplier: number | null;
  /**
   * The driving keypoints `x_d` (63 values, a new array) of the next frame; the first call defines frame 0.
   * Awaits the stitching MLP when one was given.
   */
  drive(frame: MotionFrame, options?: RunOptions): Promise<Float32Array>;
  /**
   * The driving keypoints of the next N frames as ONE batch: N × 63 values (a new array, frame after frame),
   * the keypoint transform of each frame in TypeScript and the stitching MLP run once on `[N, 126]`. Equal
   * to N calls of `drive`, to float tolerance; the first frame ever driven defines frame 0.
   */
  driveBatch(frames: readonly MotionFrame[], options?: RunOptions): Promise<Float32Array>;
  /** Forgets frame 0, so that the next `drive` starts a new sequence. */
  reset(): void;
}

const n = 3 * keypointCount;

function resolve(options: KeypointDriverOptions) {
  const resolved = {
    mode: options.mode ?? 'human',
    region: options.region ?? 'all',
    relativeMotion: options.relativeMotion ?? true,
    drivingOption: options.drivingOption ?? 'expression-friendly',
    drivingMultiplier: options.drivingMultiplier ?? 1,
    lipDelta: options.lipDelta ?? null,
  };
  assertDrivingMultiplier('options.drivingMultiplier', resolved.drivingMultiplier);
  assertAnimationRegion('options.region', resolved.region);
  if (resolved.lipDelta && (resolved.mode === 'animal' || resolved.lipDelta.length !== n)) {
    throw new InvalidInputError('options.lipDelta', `expected ${n} values, and only in human mode`);
  }
  assertDrivingOption('options.drivingOption', resolved.drivingOption);
  return resolved;
}

/**
 * The per-frame keypoint pipeline of the official animation loop, after motion generation:
 * 1. {@link combineMotion} relative to frame 0;
 * 2. the motion multiplier `sqrt(hull(x_s)) / sqrt(hull(x_d0))` on `x_s + (x_d − x_d0)·m` (human: with
 *    relative motion and expression-friendly driving; animal: always);
 * 3. stitching if given, then the lip delta (or the lip delta alone without stitching);
 * 4. the driving multiplier.
 * Eye/lip retargeting is not applied: the official loop leaves both deltas empty.
 */
export function createKeypointDriver(
  source: KeypointInfo,
  options: KeypointDriverOptions = {},
): KeypointDriver {
  const config = resolve(options);
  const sourceKeypoints = transformKeypoint(source);
  const scratch = createCombineScratch();
  const combined = new Float64Array(n);
  let first: RotatedMotionFrame | null = null;
  let firstKeypoints: Float64Array | null = null;
  let multiplier: number | null = null;
  const useMultiplier =
    config.mode === 'animal' || (config.relativeMotion && config.drivingOption === 'expression-friendly');

  /** Relative motion, the motion multiplier: frame `motion`'s keypoints written into `out` (63 values). */
  function combineFrame(motion: MotionFrame, out: Float32Array): void {
    assertMotionFrame('frame', motion);
    const frame = rotateMotionFrame(motion);
    // Copies (all float32 already, so exact): the caller may reuse its arrays for later frames.
    first ??= {
      exp: Float32Array.from(frame.exp),
      scale: frame.scale,
      t: Float32Array.from(frame.t),
      rotation: Float32Array.from(frame.rotation),
    };
    combineMotion(source, frame, first, config, combined, scratch);
    if (useMultiplier) {
      if (!firstKeypoints) {
        firstKeypoints = Float64Array.from(combined);
        multiplier = motionMultiplier(sourceKeypoints, firstKeypoints);
      }
      for (let i = 0; i < n; i++)
        combined[i] = sourceKeypoints[i]! + (combined[i]! - firstKeypoints[i]!) * multiplier!;
    }
    out.set(combined);
  }

  async function driveBatch(frames: readonly MotionFrame[], runOptions?: RunOptions): Promise<Float32Array> {
    const driving = new Float32Array(frames.length * n);
    frames.forEach((frame, i) => {
      combineFrame(frame, driving.subarray(i * n, (i + 1) * n));
    });
    if (options.stitching && frames.length > 0) {
      await stitchKeypointBatch(sourceKeypoints, driving, options.stitching, runOptions);
    }
    const { lipDelta, drivingMultiplier: m } = config;
    for (let i = 0; i < driving.length; i++) {
      const k = i % n;
      const value = driving[i]! + (lipDelta ? lipDelta[k]! : 0);
      driving[i] = sourceKeypoints[k]! + (value - sourceKeypoints[k]!) * m;
    }
    return driving;
  }

  return {
    sourceKeypoints,
    get motionMultiplier() {
      return multiplier;
    },
    reset() {
      first = null;
      firstKeypoints = null;
      multiplier = null;
    },
    async drive(motion, runOptions) {
      return driveBatch([motion], runOptions);
    },
    driveBatch,
  };
}
