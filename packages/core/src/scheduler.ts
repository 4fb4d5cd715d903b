/** Arguments of one scheduler step. All arrays have the same length (the flattened sample). */
export interface SchedulerStepInput {
  /** The denoiser's prediction of the clean sample x0 at this step. */
  readonly predictedOriginal: Float32Array;
  /** The current noisy sample x_t. */
  readonly sample: Float32Array;
  /** The timestep t being left. */
  readonly timestep: number;
  /** Standard normal noise for this step when {@link SchedulerV1.needsNoise} is true. */
  readonly noise?: Float32Array;
}

/**
 * A diffusion sampler's update rule, pure arithmetic: no model, no randomness of its own.
 * The loop that calls it (and draws noise) lives in `sampleMotion`.
 */
export interface SchedulerV1 {
  readonly specificationVersion: 'v1';
  /** Identifies the algorithm, e.g. `ddpm` or `ddim`. */
  readonly id: string;
  /** Timesteps to visit, in order (largest first). */
  readonly timesteps: readonly number[];
  /** Whether the step leaving `timestep` adds noise (and so needs `noise`). */
  needsNoise(timestep: number): boolean;
  /** Returns x_{t-1} (or the next visited timestep's sample). */
  step(input: SchedulerStepInput): Float32Array;
}
