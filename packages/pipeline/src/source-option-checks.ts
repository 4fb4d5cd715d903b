import { InvalidInputError } from '@joyvasa/core';
import { assertDrivingOption } from '@joyvasa/liveportrait';
import type { AnimateOptions } from './talking-head-options.js';

/** The fields of `options` that are set, so that absent ones keep the defaults of the code that uses them. */
export function pickDefined<T extends object, K extends keyof T>(
  options: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

function inRange(name: string, value: number | undefined, low: number, high: number, whole = false) {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < low || value > high || (whole && !Number.isInteger(value))) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new InvalidInputError(`options.${name}`, `must be ${kind} from ${low} to ${high}, got ${value}`);
  }
}

/** Rejects crop, detector and source-size options that cannot work, naming the option. */
export function checkSourceOptions(options: AnimateOptions): void {
  inRange('cropScale', options.cropScale, 0.5, 10);
  inRange('cropOffsetY', options.cropOffsetY, -1, 1);
  inRange('detectionThreshold', options.detectionThreshold, 0, 1);
  inRange('sourceMaxDim', options.sourceMaxDim, 0, 16384, true);
  inRange('sourceDivision', options.sourceDivision, 1, 64, true);
  if (options.cropRotation !== undefined && typeof options.cropRotation !== 'boolean') {
    throw new InvalidInputError(
      'options.cropRotation',
      `must be true or false, got ${String(options.cropRotation)}`,
    );
  }
  if (options.drivingOption !== undefined)
    assertDrivingOption('options.drivingOption', options.drivingOption);
  if (options.noise !== undefined && typeof options.noise !== 'function') {
    throw new InvalidInputError('options.noise', 'must be a function (dims, drawIndex) => Float32Array');
  }
}
