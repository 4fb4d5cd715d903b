import { InvalidInputError } from '@joyvasa/core';

/**
 * The official pose smoothing (`smooth_(…, method="ema")`, spec §1.9) as a running filter, so it works
 * window by window: `s₀ = v₀`, `s_k = w·v_k + (1 − w)·s_{k−1}` on [scale, tx, ty, tz, pitch, yaw, roll].
 * Causal, so streaming and whole-clip smoothing give the same values.
 */
export interface PoseSmoother {
  /** Smooths one frame's 7 pose values in place. */
  apply(pose: Float64Array): void;
}

/** Creates a {@link PoseSmoother}. `weight` of the new value, default 0.01 (a ~100-frame time constant). */
export function createPoseSmoother(weight = 0.01): PoseSmoother {
  if (!(weight > 0 && weight <= 1)) {
    throw new InvalidInputError('options.smoothingWeight', `${weight} must be in (0, 1]`);
  }
  let state: Float64Array | undefined;
  return {
    apply(pose) {
      if (!state) {
        state = Float64Array.from(pose);
        return;
      }
      for (let i = 0; i < pose.length; i++) {
        state[i] = weight * pose[i]! + (1 - weight) * state[i]!;
        pose[i] = state[i]!;
      }
    },
  };
}
