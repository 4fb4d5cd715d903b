import { InvalidInputError, type SchedulerStepInput, type SchedulerV1 } from '@joyvasa/core';
import { cosineSchedule, type DiffusionSchedule } from './cosine-schedule.js';

/** Options of {@link createDdpmScheduler}. */
export interface DdpmSchedulerConfig {
  /** Diffusion steps T the denoiser was trained with (the checkpoint's `n_diff_steps`, 50). */
  readonly trainSteps: number;
}

/** A {@link SchedulerV1} that also exposes the schedule it steps through. */
export interface ScheduledSampler extends SchedulerV1 {
  readonly schedule: DiffusionSchedule;
}

/** Throws unless `input` carries equally long arrays (and noise when `needsNoise`). */
export function checkStepInput(scheduler: SchedulerV1, input: SchedulerStepInput): void {
  const { predictedOriginal, sample, noise, timestep } = input;
  if (!scheduler.timesteps.includes(timestep)) {
    throw new InvalidInputError(
      'timestep',
      `${timestep} is not one of this ${scheduler.id} scheduler's timesteps`,
    );
  }
  if (predictedOriginal.length !== sample.length) {
    throw new InvalidInputError(
      'predictedOriginal',
      `${predictedOriginal.length} values for a sample of ${sample.length}`,
    );
  }
  if (scheduler.needsNoise(timestep) && noise?.length !== sample.length) {
    throw new InvalidInputError(
      'noise',
      `step ${timestep} adds noise: pass ${sample.length} standard normal values, got ${noise?.length ?? 0}`,
    );
  }
}

/**
 * The official JoyVASA sampler: ancestral DDPM on an x0-predicting network over every timestep T … 1 of
 * the cosine schedule, with σ_t of flexibility 0 and no noise on the last step (t = 1):
 * `x_{t−1} = c0·x_t + c1·x̂0 + σ_t·z`, `c0 = (1 − ᾱ_{t−1})·sqrt(α_t)/(1 − ᾱ_t)`,
 * `c1 = (1 − α_t)·sqrt(ᾱ_{t−1})/(1 − ᾱ_t)`. Coefficients in float64, result rounded to float32.
 */
export function createDdpmScheduler(config: DdpmSchedulerConfig): ScheduledSampler {
  const schedule = cosineSchedule(config.trainSteps);
  const { alphas, alphaBars, sigmasInflex } = schedule;
  const timesteps = Array.from({ length: schedule.steps }, (_, i) => schedule.steps - i);
  const scheduler: ScheduledSampler = {
    specificationVersion: 'v1',
    id: 'ddpm',
    schedule,
    timesteps,
    needsNoise: (timestep) => timestep > 1,
    step(input) {
      checkStepInput(scheduler, input);
      const t = input.timestep;
      const c0 = ((1 - alphaBars[t - 1]!) * Math.sqrt(alphas[t]!)) / (1 - alphaBars[t]!);
      const c1 = ((1 - alphas[t]!) * Math.sqrt(alphaBars[t - 1]!)) / (1 - alphaBars[t]!);
      const sigma = t > 1 ? sigmasInflex[t]! : 0;
      const { sample, predictedOriginal, noise } = input;
      const out = new Float32Array(sample.length);
      for (let i = 0; i < out.length; i++) {
        out[i] = c0 * sample[i]! + c1 * predictedOriginal[i]! + (sigma === 0 ? 0 : sigma * noise![i]!);
      }
      return out;
    },
  };
  return scheduler;
}
