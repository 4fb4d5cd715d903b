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

/** Checks a classifier-free-guidance scale: finite and ≥ 0. */
export function assertCfgScale(scale: number): void {
  if (!Number.isFinite(scale) || scale < 0) {
    throw new InvalidInputError(
      'options.cfgScale',
      `${scale} must be a finite number >= 0 (the official app uses 4.0, its CLI 2.8)`,
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

/**
 * Builds the denoiser's guidance batch: entry 0 with the null audio token broadcast over the window,
 * entry 1 with the real audio; both with the same sample, step and context. With s = 1 only the
 * conditional entry is built (u + 1·(c − u) = c), halving the work.
 */
export function createGuidanceBatch(config: DenoiserConfig, nullAudio: Float32Array, cfgScale: number) {
  const { windowFrames, contextFrames, motionDim, audioDim } = config;
  const entries = cfgScale === 1 ? 1 : 2;
  const repeat = (values: Float32Array, dims: readonly number[]) => {
    const out = new Float32Array(values.length * entries);
    for (let e = 0; e < entries; e++) out.set(values, e * values.length);
    return createTensor('float32', [entries, ...dims], out);
  };
  return {
    /** The inputs fixed for a window: [null, real] audio and the shared context. */
    conditioning(
      audio: Float32Array,
      previousMotion: Float32Array,
      previousAudio: Float32Array,
    ): Pick<DenoiseInput, 'audio' | 'previousMotion' | 'previousAudio'> {
      const batched = new Float32Array(entries * windowFrames * audioDim);
      if (entries === 2) {
        for (let frame = 0; frame < windowFrames; frame++) batched.set(nullAudio, frame * audioDim);
      }
      batched.set(audio, (entries - 1) * windowFrames * audioDim);
      return {
        audio: createTensor('float32', [entries, windowFrames, audioDim], batched),
        previousMotion: repeat(previousMotion, [contextFrames, motionDim]),
        previousAudio: repeat(previousAudio, [contextFrames, audioDim]),
      };
    },
    /** The per-step inputs: the same x_t and t for every entry. */
    stepInputs(sample: Float32Array, timestep: number): Pick<DenoiseInput, 'sample' | 'timestep'> {
      return {
        sample: repeat(sample, [windowFrames, motionDim]),
        timestep: createTensor('int64', [entries], new BigInt64Array(entries).fill(BigInt(timestep))),
      };
    },
  };
}
