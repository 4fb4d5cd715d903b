import { InvalidInputError, type SchedulerV1 } from '@joyvasa/core';
import { cosineSchedule } from './cosine-schedule.js';
import { checkStepInput, type DdpmSchedulerConfig, type ScheduledSampler } from './ddpm-scheduler.js';

/** The most DDIM steps accepted; more than the released model's 50 training steps are refused anyway. */
export const maxDdimSteps = 1000;

/** Checks a DDIM step count: a whole number from 1 to {@link maxDdimSteps}; `name` names the option. */
export function assertDdimSteps(name: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > maxDdimSteps) {
    throw new InvalidInputError(
      name,
      `ddim steps must be a whole number from 1 to ${maxDdimSteps}, got ${steps}`,
    );
  }
}

/** Options of {@link createDdimScheduler}. */
export interface DdimSchedulerOptions {
  /** Denoiser calls per window, 1 … trainSteps. */
  readonly steps: number;
}

/**
 * A faster, deterministic DDIM sampler (η = 0) on the same x0 prediction and cosine schedule: visits
 * `steps` timesteps `round(T − i·T/steps)` (T … ≈T/steps) and jumps
 * `x_s = sqrt(ᾱ_s)·x̂0 + sqrt(1 − ᾱ_s)·ε̂`, `ε̂ = (x_t − sqrt(ᾱ_t)·x̂0)/sqrt(1 − ᾱ_t)`, the last jump landing
 * on t = 0 (x = x̂0). Draws no noise beyond x_T.
 *
 * NOT the official JoyVASA sampler (that is {@link createDdpmScheduler}): results differ from the reference
 * and the model was never tuned for it; use it to trade quality for speed.
 */
export function createDdimScheduler(
  config: DdpmSchedulerConfig,
  options: DdimSchedulerOptions,
): ScheduledSampler {
  const schedule = cosineSchedule(config.trainSteps);
  assertDdimSteps('options.steps', options.steps);
  const total = schedule.steps;
  if (options.steps > total) {
    throw new InvalidInputError(
      'options.steps',
      `${options.steps} exceeds the ${total} steps the model was trained with`,
    );
  }
  const timesteps = Array.from({ length: options.steps }, (_, i) =>
    Math.round(total - (i * total) / options.steps),
  );
  const next = new Map(timesteps.map((t, i) => [t, timesteps[i + 1] ?? 0]));
  const { alphaBars } = schedule;
  const scheduler: SchedulerV1 & ScheduledSampler = {
    specificationVersion: 'v1',
    id: 'ddim',
    schedule,
    timesteps,
    needsNoise: () => false,
    step(input) {
      checkStepInput(scheduler, input);
      const t = input.timestep;
      const s = next.get(t)!;
      const keepNoise = Math.sqrt(1 - alphaBars[s]!) / Math.sqrt(1 - alphaBars[t]!);
      const c1 = Math.sqrt(alphaBars[s]!) - keepNoise * Math.sqrt(alphaBars[t]!);
      const { sample, predictedOriginal } = input;
      const out = new Float32Array(sample.length);
      for (let i = 0; i < out.length; i++) out[i] = keepNoise * sample[i]! + c1 * predictedOriginal[i]!;
      return out;
    },
  };
  return scheduler;
}
