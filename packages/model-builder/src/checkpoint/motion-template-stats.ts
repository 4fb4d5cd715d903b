import { isTensorLike } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';
import { readPlainPickle } from './state-dict.js';

/** The entries inference reads from `motion_template.pkl` and their lengths (spec §1.8). */
export const motionTemplateSizes: Readonly<Record<string, number>> = {
  mean_exp: 63,
  std_exp: 63,
  min_scale: 1,
  max_scale: 1,
  min_t: 3,
  max_t: 3,
  min_pitch: 1,
  max_pitch: 1,
  min_yaw: 1,
  max_yaw: 1,
  min_roll: 1,
  max_roll: 1,
};

/** What {@link readMotionTemplateStats} found. */
export interface MotionTemplateStats {
  /** Every float32 array of the pickle by its key (`mean_exp`, `max_scale`, …, `abs_max_*`), as numbers. */
  readonly stats: Record<string, number[]>;
  /** Keys that are not float arrays, left out. */
  readonly skipped: readonly string[];
}

/**
 * Reads JoyVASA's `motion_template.pkl` (a plain pickle of numpy arrays, read without executing pickle
 * code) into its statistics by key, ready for `motionTemplateFromStats` of `@joyvasa/motion-diffusion`.
 * Throws {@link CheckpointError} when it is not a dict or lacks an entry inference reads.
 */
export function readMotionTemplateStats(
  bytes: Uint8Array,
  file = 'motion_template.pkl',
): MotionTemplateStats {
  const tree = readPlainPickle(bytes, file);
  if (!(tree instanceof Map)) throw new CheckpointError(file, 'it is not a dict of numpy arrays');
  const stats: Record<string, number[]> = {};
  for (const [key, value] of tree) {
    if (typeof key !== 'string' || !isTensorLike(value) || value.type !== 'float32') continue;
    stats[key] = Array.from(value.data as Float32Array);
  }
  const problems = Object.entries(motionTemplateSizes)
    .filter(([key, size]) => stats[key]?.length !== size)
    .map(([key, size]) => `${key} (${size} values) ${key in stats ? 'has another length' : 'is missing'}`);
  if (problems.length > 0) {
    throw new CheckpointError(
      file,
      `it lacks statistics inference reads: ${problems.join('; ')}. Fetch it again with 'joyvasa fetch'`,
    );
  }
  const skipped = [...tree.keys()].filter((key) => typeof key !== 'string' || !(key in stats)).map(String);
  return { stats, skipped };
}
