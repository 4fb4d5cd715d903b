import { assertFinite, InvalidInputError } from '@joyvasa/core';

/**
 * The dataset statistics of `motion_template.pkl` that de-normalise generated motion (spec §1.8).
 * Angles in degrees. Lengths: meanExp/stdExp 63, minT/maxT 3, the rest 1 (a number is accepted).
 */
export interface MotionTemplate {
  readonly meanExp: ArrayLike<number>;
  readonly stdExp: ArrayLike<number>;
  readonly minScale: ArrayLike<number> | number;
  readonly maxScale: ArrayLike<number> | number;
  readonly minT: ArrayLike<number>;
  readonly maxT: ArrayLike<number>;
  readonly minPitch: ArrayLike<number> | number;
  readonly maxPitch: ArrayLike<number> | number;
  readonly minYaw: ArrayLike<number> | number;
  readonly maxYaw: ArrayLike<number> | number;
  readonly minRoll: ArrayLike<number> | number;
  readonly maxRoll: ArrayLike<number> | number;
}

/** A template checked and flattened to float64 arrays, as {@link denormaliseMotion} uses it. */
export interface ResolvedMotionTemplate {
  readonly meanExp: Float64Array;
  readonly stdExp: Float64Array;
  /** Minimum of the 7 min-max dims [scale, tx, ty, tz, pitch, yaw, roll]. */
  readonly poseMin: Float64Array;
  /** Maximum of the same 7 dims. */
  readonly poseMax: Float64Array;
}

const lengths: Readonly<Record<keyof MotionTemplate, number>> = {
  meanExp: 63,
  stdExp: 63,
  minScale: 1,
  maxScale: 1,
  minT: 3,
  maxT: 3,
  minPitch: 1,
  maxPitch: 1,
  minYaw: 1,
  maxYaw: 1,
  minRoll: 1,
  maxRoll: 1,
};

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Reads a template from the pickle's own key names (`mean_exp`, `std_exp`, `min_scale`, …); extra keys
 * (`mean_R`, `abs_max_*`, …) are ignored.
 */
export function motionTemplateFromStats(stats: Readonly<Record<string, unknown>>): MotionTemplate {
  const template: Record<string, unknown> = {};
  for (const key of Object.keys(lengths)) template[key] = stats[snakeCase(key)];
  const checked = template as unknown as MotionTemplate;
  resolveMotionTemplate(checked);
  return checked;
}

/** Checks every key is present with its length and finite values; throws {@link InvalidInputError}. */
export function resolveMotionTemplate(template: MotionTemplate): ResolvedMotionTemplate {
  if (typeof template !== 'object' || template === null) {
    throw new InvalidInputError('template', 'expected the motion template statistics (motion_template.pkl)');
  }
  const missing = Object.keys(lengths).filter((key) => template[key as keyof MotionTemplate] == null);
  if (missing.length > 0) {
    throw new InvalidInputError(
      'template',
      `missing ${missing.map(snakeCase).join(', ')}; pass the statistics of motion_template.pkl`,
    );
  }
  const read = (key: keyof MotionTemplate): Float64Array => {
    const value = template[key];
    const values = Float64Array.from(typeof value === 'number' ? [value] : (value as ArrayLike<number>));
    if (values.length !== lengths[key]) {
      throw new InvalidInputError(`template.${key}`, `has ${values.length} values, expected ${lengths[key]}`);
    }
    assertFinite(`template.${key}`, values);
    return values;
  };
  const pose = (side: 'min' | 'max') =>
    Float64Array.from([
      ...read(`${side}Scale`),
      ...read(`${side}T`),
      ...read(`${side}Pitch`),
      ...read(`${side}Yaw`),
      ...read(`${side}Roll`),
    ]);
  return { meanExp: read('meanExp'), stdExp: read('stdExp'), poseMin: pose('min'), poseMax: pose('max') };
}
