import { type AudioEncoderV1, createTensor } from '@joyvasa/core';

/**
 * A custom audio encoder as docs/guide/custom-encoder.md describes it: a plain object, here at any
 * `sampleRate`, in pure TypeScript, so Node and a browser compute the same features. Each feature frame
 * (1/featuresPerSecond s of PCM) gives `featureDim` values from the frame's level and a slow ramp.
 */
export function plainRateEncoder(
  sampleRate: number,
  featureDim: number,
  featuresPerSecond = 25,
): AudioEncoderV1 {
  const samplesPerFrame = sampleRate / featuresPerSecond;
  return {
    specificationVersion: 'v1',
    id: `plain-rate-encoder-${sampleRate}`,
    sampleRate,
    featuresPerSecond,
    featureDim,
    async encode(pcm) {
      const frames = pcm.length / samplesPerFrame;
      const data = new Float32Array(frames * featureDim);
      for (let f = 0; f < frames; f++) {
        let energy = 0;
        for (let i = f * samplesPerFrame; i < (f + 1) * samplesPerFrame; i++) energy += pcm[i]! * pcm[i]!;
        const level = Math.sqrt(energy / samplesPerFrame);
        for (let d = 0; d < featureDim; d++) data[f * featureDim + d] = level * Math.sin(d * 0.37 + f * 0.11);
      }
      return createTensor('float32', [frames, featureDim], data);
    },
  };
}
