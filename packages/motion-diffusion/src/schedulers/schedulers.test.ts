import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { cosineSchedule } from './cosine-schedule.js';
import { createDdimScheduler } from './ddim-scheduler.js';
import { createDdpmScheduler } from './ddpm-scheduler.js';

const values = (n: number, phase: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + phase));

describe('createDdpmScheduler', () => {
  const scheduler = createDdpmScheduler({ trainSteps: 50 });
  const { alphas, alphaBars, sigmasInflex } = cosineSchedule(50);

  it('visits every timestep T … 1 and adds noise on all but the last', () => {
    expect(scheduler.specificationVersion).toBe('v1');
    expect(scheduler.timesteps).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    expect(scheduler.timesteps.filter((t) => scheduler.needsNoise(t))).toHaveLength(49);
    expect(scheduler.needsNoise(1)).toBe(false);
  });

  it('steps with the posterior mean of an x0 prediction plus σ_t·z', () => {
    const [x, x0, z] = [values(12, 0), values(12, 1), values(12, 2)];
    for (const t of [50, 25, 2]) {
      const out = scheduler.step({ predictedOriginal: x0, sample: x, timestep: t, noise: z });
      for (let i = 0; i < 12; i++) {
        // q(x_{t-1} | x_t, x0) mean, written in the DDPM paper's form.
        const mean =
          ((Math.sqrt(alphaBars[t - 1]!) * (1 - alphas[t]!)) / (1 - alphaBars[t]!)) * x0[i]! +
          ((Math.sqrt(alphas[t]!) * (1 - alphaBars[t - 1]!)) / (1 - alphaBars[t]!)) * x[i]!;
        expect(out[i]).toBeCloseTo(mean + sigmasInflex[t]! * z[i]!, 6);
      }
    }
  });

  it('returns the prediction itself at t = 1 and ignores noise there', () => {
    const [x, x0] = [values(8, 0), values(8, 1)];
    const out = scheduler.step({ predictedOriginal: x0, sample: x, timestep: 1, noise: values(8, 5) });
    for (let i = 0; i < 8; i++) expect(out[i]).toBeCloseTo(x0[i]!, 6);
  });

  it('rejects missing noise, mismatched lengths and foreign timesteps', () => {
    const x = values(4, 0);
    expect(() => scheduler.step({ predictedOriginal: x, sample: x, timestep: 3 })).toThrow(InvalidInputError);
    expect(() => scheduler.step({ predictedOriginal: values(3, 0), sample: x, timestep: 1 })).toThrow(
      /3 values/,
    );
    expect(() => scheduler.step({ predictedOriginal: x, sample: x, timestep: 51 })).toThrow(/not one of/);
  });
});

describe('createDdimScheduler (not the official sampler)', () => {
  it('visits evenly spaced timesteps from T and none twice', () => {
    expect(createDdimScheduler({ trainSteps: 50 }, { steps: 10 }).timesteps).toEqual([
      50, 45, 40, 35, 30, 25, 20, 15, 10, 5,
    ]);
    expect(createDdimScheduler({ trainSteps: 50 }, { steps: 50 }).timesteps).toEqual(
      createDdpmScheduler({ trainSteps: 50 }).timesteps,
    );
    const odd = createDdimScheduler({ trainSteps: 50 }, { steps: 7 }).timesteps;
    expect(new Set(odd).size).toBe(7);
    expect(odd[0]).toBe(50);
  });

  it('keeps a sample on the noising path of an exact x0 prediction, and lands on x0', () => {
    const scheduler = createDdimScheduler({ trainSteps: 50 }, { steps: 10 });
    const { alphaBars } = scheduler.schedule;
    const [x0, eps] = [values(6, 1), values(6, 2)];
    const noisy = (t: number) =>
      Float32Array.from(x0, (v, i) => Math.sqrt(alphaBars[t]!) * v + Math.sqrt(1 - alphaBars[t]!) * eps[i]!);
    const out = scheduler.step({ predictedOriginal: x0, sample: noisy(30), timestep: 30 });
    const expected = noisy(25);
    for (let i = 0; i < 6; i++) expect(out[i]).toBeCloseTo(expected[i]!, 5);
    const last = scheduler.step({ predictedOriginal: x0, sample: noisy(5), timestep: 5 });
    for (let i = 0; i < 6; i++) expect(last[i]).toBeCloseTo(x0[i]!, 6);
    expect(scheduler.needsNoise(50)).toBe(false);
  });

  it.each([0, 51, 1.5, Number.NaN])('rejects %s steps', (steps) => {
    expect(() => createDdimScheduler({ trainSteps: 50 }, { steps })).toThrow(InvalidInputError);
  });

  it('caps DDIM at 1000 steps whatever the model was trained with', () => {
    expect(createDdimScheduler({ trainSteps: 2000 }, { steps: 1000 }).timesteps).toHaveLength(1000);
    expect(() => createDdimScheduler({ trainSteps: 2000 }, { steps: 1001 })).toThrow(
      /from 1 to 1000, got 1001/,
    );
  });
});
