import type { MotionFrame } from '@joyvasa/core';
import { denormaliseMotion, motionFrame } from './motion-frame.js';
import { type MotionTemplate, resolveMotionTemplate } from './motion-template.js';
import { createPoseSmoother } from './pose-smoother.js';

/** Options of {@link createMotionDecoder}. */
export interface MotionDecoderOptions {
  /** The official EMA pose smoothing (weight 0.01 on scale, t, angles; expression untouched). Default true. */
  readonly smoothing?: boolean;
}

/**
 * Turns the sampler's normalised motion into LivePortrait motion, window after window: de-normalisation
 * with the template (spec §1.8), then the EMA pose smoothing (§1.9), whose state carries over from one
 * call to the next, so a clip decoded window by window equals the clip decoded whole.
 */
export interface MotionDecoder {
  /** Decodes rows [frames, 70] (flat) into frames, in order. */
  decode(normalised: Float32Array): MotionFrame[];
}

/** Creates a {@link MotionDecoder}; throws `InvalidInputError` for an incomplete template. */
export function createMotionDecoder(
  template: MotionTemplate,
  options: MotionDecoderOptions = {},
): MotionDecoder {
  const resolved = resolveMotionTemplate(template);
  const smoother = options.smoothing === false ? undefined : createPoseSmoother();
  return {
    decode(normalised) {
      return denormaliseMotion(normalised, resolved).map(({ exp, pose }) => {
        smoother?.apply(pose);
        return motionFrame(exp, pose);
      });
    },
  };
}
