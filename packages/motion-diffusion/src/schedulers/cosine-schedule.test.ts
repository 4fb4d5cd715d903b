import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { cosineSchedule } from './cosine-schedule.js';

/** An independent float64 recomputation: ᾱ as a running product, σ from the DDPM posterior variance. */
function recompute(steps: number) {
  const f = (t: number) => Math.cos(((t / steps + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const betas = [0];
  for (let t = 1; t <= steps; t++) betas.push(Math.min(Math.max(1 - f(t) / f(t - 1), 1e-4), 0.999));
  const alphaBars = [1];
  for (let t = 1; t <= steps; t++) alphaBars.push(alphaBars[t - 1]! * (1 - betas[t]!));
  const posterior = betas.map((beta, t) =>
    t === 0 ? 0 : (beta * (1 - alphaBars[t - 1]!)) / (1 - alphaBars[t]!),
  );
  return { betas, alphaBars, sigmasInflex: posterior.map(Math.sqrt), sigmasFlex: betas.map(Math.sqrt) };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-300));
  }
  return worst;
}

describe('cosineSchedule', () => {
  it.each([1, 2, 10, 50, 500])('agrees with an independent float64 recomputation for T = %i', (steps) => {
    const schedule = cosineSchedule(steps);
    const expected = recompute(steps);
    expect(schedule.betas).toHaveLength(steps + 1);
    expect(maxRelative(schedule.betas, expected.betas)).toBeLessThan(1e-12);
    expect(
      maxRelative(
        schedule.alphas,
        expected.betas.map((b) => 1 - b),
      ),
    ).toBeLessThan(1e-12);
    expect(maxRelative(schedule.alphaBars, expected.alphaBars)).toBeLessThan(1e-9);
    expect(maxRelative(schedule.sigmasFlex, expected.sigmasFlex)).toBeLessThan(1e-12);
    expect(maxRelative(schedule.sigmasInflex, expected.sigmasInflex)).toBeLessThan(1e-9);
  });

  it("reproduces the spec's T = 50 table (§1.7), which float32 arithmetic rounded", () => {
    const { betas, alphaBars, sigmasInflex } = cosineSchedule(50);
    const table: [number, number, number, number][] = [
      [1, 0.00174749, 0.998253, 0],
      [2, 0.00368899, 0.99457, 0.0344556],
      [10, 0.0196731, 0.898706, 0.127163],
      [25, 0.0593536, 0.493844, 0.236008],
      [40, 0.167875, 0.0940455, 0.405412],
      [49, 0.749758, 0.000971188, 0.864624],
      [50, 0.999, 9.71175e-7, 0.999015],
    ];
    const close = (ours: number, table: number) =>
      expect(Math.abs(ours - table)).toBeLessThanOrEqual(5e-5 * table);
    for (const [t, beta, alphaBar, sigma] of table) {
      close(betas[t]!, beta);
      close(alphaBars[t]!, alphaBar);
      close(sigmasInflex[t]!, sigma);
    }
    expect(betas[0]).toBe(0);
    expect(alphaBars[0]).toBe(1);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects %s steps', (steps) => {
    expect(() => cosineSchedule(steps)).toThrow(InvalidInputError);
  });
});
