import { InvalidInputError } from '@joyvasa/core';

/**
 * The diffusion schedule arrays of JoyVASA's `DiffusionSchedule(T, 'cosine')`, each of length T + 1 and
 * indexed by the timestep t (entry 0 is the clean end: β₀ = 0, ᾱ₀ = 1). Float64.
 */
export interface DiffusionSchedule {
  /** Number of diffusion steps T. */
  readonly steps: number;
  /** β_t, clipped to [1e-4, 0.999] for t ≥ 1. */
  readonly betas: Float64Array;
  /** α_t = 1 − β_t. */
  readonly alphas: Float64Array;
  /** ᾱ_t = exp(Σ_{j ≤ t} log α_j). */
  readonly alphaBars: Float64Array;
  /** σ_t = sqrt(β_t) (flexibility 1). */
  readonly sigmasFlex: Float64Array;
  /** σ_t = sqrt((1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t) (flexibility 0, what the official sampler uses). */
  readonly sigmasInflex: Float64Array;
}

/** Checks a step count: a whole number from 1 to 10,000. */
export function assertStepCount(name: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > 10_000) {
    throw new InvalidInputError(name, `${steps} is not a whole number of steps from 1 to 10000`);
  }
}

/**
 * The cosine schedule (Nichol & Dhariwal, s = 0.008) exactly as JoyVASA computes it, in float64:
 * f(t) = cos(((t/T) + s)/(1 + s) · π/2)², ᾱ'(t) = f(t)/f(0), β_t = clip(1 − ᾱ'(t)/ᾱ'(t−1), 1e-4, 0.999),
 * then ᾱ re-derived from the clipped β through a cumulative sum of logs (so ᾱ_T ≠ ᾱ'(T)).
 */
export function cosineSchedule(steps: number, offset = 0.008): DiffusionSchedule {
  assertStepCount('steps', steps);
  const f = (t: number) => Math.cos(((t / steps + offset) / (1 + offset)) * Math.PI * 0.5) ** 2;
  const betas = new Float64Array(steps + 1);
  for (let t = 1; t <= steps; t++) {
    betas[t] = Math.min(0.999, Math.max(1e-4, 1 - f(t) / f(0) / (f(t - 1) / f(0))));
  }
  const alphas = betas.map((beta) => 1 - beta);
  const alphaBars = new Float64Array(steps + 1);
  let logSum = 0;
  for (let t = 0; t <= steps; t++) {
    logSum += Math.log(alphas[t]!);
    alphaBars[t] = Math.exp(logSum);
  }
  const sigmasFlex = betas.map(Math.sqrt);
  const sigmasInflex = new Float64Array(steps + 1);
  for (let t = 1; t <= steps; t++) {
    sigmasInflex[t] = Math.sqrt(((1 - alphaBars[t - 1]!) / (1 - alphaBars[t]!)) * betas[t]!);
  }
  return { steps, betas, alphas, alphaBars, sigmasFlex, sigmasInflex };
}
