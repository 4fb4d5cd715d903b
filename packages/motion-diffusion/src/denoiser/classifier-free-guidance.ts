import {
  createTensor,
  type DenoiseInput,
  type DenoiserConfig,
  type Float32Tensor,
  InvalidInputError,
} from '@joyvasa/core';

/**
 * The classifier-free-guidance scale used when none is given: 4.0, the official Gradio app's. The SDK's
 * defaults follow the app as a whole (crop, stitching, paste-back, relative motion, driving multiplier 1.0),
 * and its guidance was chosen together with those settings; users also report mouths that open too little,
 * which stronger guidance counters. The official CLI (`inference.py`) uses 2.8 (the golden vectors' value),
 * the README examples 2.0, and `sample()`'s own default is 1.15.
 */
export const defaultCfgScale = 4.0;

/** The largest guidance scale accepted: far past any useful value (the official ones are 2.8 and 4). */
export const maxCfgScale = 20;

/** Checks a classifier-free-guidance scale: a number from 0 to {@link maxCfgScale}. */
export function assertCfgScale(scale: number): void {
  if (!Number.isFinite(scale) || scale < 0 || scale > maxCfgScale) {
    throw new InvalidInputError(
      'options.cfgScale',
      `must be a number from 0 to ${maxCfgScale}, got ${scale} (the official app uses 4.0, its CLI 2.8)`,
    );
  }
}

/**
 * Classifier-free guidance on the denoiser's output [B, context + window, motionDim]:
 * `x̂0 = u + s·(c − u)` over the last `windowFrames` frames, u = batch entry 0 (null audio),
 * c = entry 1 (real audio). With B = 1 the single (conditional) entry is returned as is.
 * Returns [windowFrames · motionDim] values, computed in float64 and rounded once.
 */
export function applyGuidance(output: Float32Tensor, scale: number, windowFrames: number): Float32Array {
  const [batch, frames, motionDim] = output.dims as [number, number, number];
  const size = windowFrames * motionDim;
  const offset = (frames - windowFrames) * motionDim;
  if (batch === 1) return output.data.slice(offset, offset + size);
  if (batch !== 2) throw new InvalidInputError('output', `expected 1 or 2 batch entries, got ${batch}`);
  const entry = frames * motionDim;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const unconditional = output.data[offset + i]!;
    out[i] = unconditional + scale * (output.data[entry + offset + i]! - unconditional);
  }
  return out;
}

/** What one denoiser call conditions on: the noisy sample, its step, the window's audio and the context. */
export interface GuidanceState {
  /** x_t, [windowFrames · motionDim]. */
  readonly sample: Float32Array;
  readonly timestep: number;
  /** The window's projected audio features, [windowFrames · modelDim]. */
  readonly audio: Float32Array;
  /** Clean motion of the context frames, [contextFrames · motionDim]. */
  readonly previousMotion: Float32Array;
  /** Projected audio of the context frames, [contextFrames · modelDim]. */
  readonly previousAudio: Float32Array;
}

/** Classifier-free guidance for one run: {@link createClassifierFreeGuidance}. */
export interface ClassifierFreeGuidance {
  /** The scale s of `x̂0 = u + s·(c − u)`. */
  readonly scale: number;
  /** Concatenates the unconditional and the conditional input into one denoiser batch. */
  batch(state: GuidanceState): DenoiseInput;
  /** Splits the denoiser's output into u and c and combines them: x̂0, [windowFrames · motionDim]. */
  combine(output: Float32Tensor): Float32Array;
}

/**
 * Classifier-free guidance as the official sampler does it: entry 0 of the batch is unconditional (the
 * null audio token broadcast over the window), entry 1 conditional (the real audio), both with the same
 * x_t, step and context. With s = 1 only the conditional entry is run (u + 1·(c − u) = c), halving the work.
 */
export function createClassifierFreeGuidance(
  config: DenoiserConfig,
  nullAudio: Float32Array,
  scale: number,
): ClassifierFreeGuidance {
  assertCfgScale(scale);
  const { windowFrames, contextFrames, motionDim, modelDim } = config;
  const entries = scale === 1 ? 1 : 2;
  const repeat = (values: Float32Array, dims: readonly number[]) => {
    const out = new Float32Array(values.length * entries);
    for (let e = 0; e < entries; e++) out.set(values, e * values.length);
    return createTensor('float32', [entries, ...dims], out);
  };
  return {
    scale,
    batch(state) {
      const audio = new Float32Array(entries * windowFrames * modelDim);
      if (entries === 2) {
        for (let frame = 0; frame < windowFrames; frame++) audio.set(nullAudio, frame * modelDim);
      }
      audio.set(state.audio, (entries - 1) * windowFrames * modelDim);
      return {
        sample: repeat(state.sample, [windowFrames, motionDim]),
        timestep: createTensor('int64', [entries], new BigInt64Array(entries).fill(BigInt(state.timestep))),
        audio: createTensor('float32', [entries, windowFrames, modelDim], audio),
        previousMotion: repeat(state.previousMotion, [contextFrames, motionDim]),
        previousAudio: repeat(state.previousAudio, [contextFrames, modelDim]),
      };
    },
    combine: (output) => applyGuidance(output, scale, windowFrames),
  };
}
