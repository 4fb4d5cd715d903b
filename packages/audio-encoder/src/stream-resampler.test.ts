import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';
import { createStreamResampler } from './stream-resampler.js';

/** A reproducible pseudo-random stream of chunk sizes from 0 to `max`. */
function chunkSizes(seed: number, max: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state % (max + 1);
  };
}

function speechLike(rate: number, samples: number): Float32Array {
  return Float32Array.from(
    { length: samples },
    (_, i) =>
      0.3 * Math.sin((2 * Math.PI * 180 * i) / rate) * Math.sin((2 * Math.PI * 4 * i) / rate) +
      0.01 * Math.sin(i * i),
  );
}

function resampleInChunks(pcm: Float32Array, from: number, to: number, seed: number, max: number) {
  const resampler = createStreamResampler(from, to);
  const next = chunkSizes(seed, max);
  const parts: Float32Array[] = [];
  for (let at = 0; at < pcm.length; ) {
    const size = Math.min(next(), pcm.length - at);
    parts.push(resampler.push(pcm.subarray(at, at + size)));
    at += size;
  }
  parts.push(resampler.end());
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('createStreamResampler', () => {
  const cases: Array<[number, number, number]> = [
    [44100, 16000, 12_345],
    [48000, 16000, 9_600],
    [8000, 16000, 4_001],
    [22050.5, 16000, 7_000],
    [16000, 16000, 3_000],
  ];
  for (const [from, to, samples] of cases) {
    it(`${from} → ${to} Hz in random chunks equals resample() of the whole buffer, bit for bit`, () => {
      const pcm = speechLike(from, samples);
      const whole = resample(pcm, from, to);
      for (const [seed, max] of [
        [1, 7],
        [2, 500],
        [3, 5000],
      ] as const) {
        expect(resampleInChunks(pcm, from, to, seed, max)).toEqual(whole);
      }
    });
  }

  it('gives each output as soon as the input its filter reads has arrived', () => {
    const resampler = createStreamResampler(48000, 16000);
    const first = resampler.push(new Float32Array(48000));
    // One second in: all but the last filter half-length of output is final already.
    expect(first.length).toBeGreaterThan(15_900);
    expect(first.length).toBeLessThan(16_000);
    expect(first.length + resampler.end().length).toBe(16_000);
  });

  it('refuses input after the end', () => {
    const resampler = createStreamResampler(48000, 16000);
    resampler.end();
    expect(() => resampler.push(new Float32Array(4))).toThrow(/after end/);
  });
});
