/**
 * Test inputs made in memory, so the fast tests need nothing outside the repository: a textured RGB image
 * (the fixture face detector reports a face in any image with texture), a flat one (no face), and a short
 * speech-like chirp as PCM or WAV bytes.
 */
import { encodeWav } from '@joyvasa/audio-encoder';
import type { RgbImage } from '@joyvasa/core';

/** A small integer hash to [0, 1): deterministic noise without a PRNG state. */
function hash(x: number, y: number, seed: number): number {
  let h = (x * 374761393 + y * 668265263 + seed * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth stripes and blobs plus a little noise: plenty of texture, different per `seed`. */
export function texturedImage(width: number, height: number, seed = 1): RgbImage {
  // Clamped, so values past 255 saturate instead of wrapping around.
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const noise = 40 * (hash(x, y, seed) - 0.5);
      data[p] = 128 + 90 * Math.sin(x / (6 + seed)) * Math.cos(y / 9) + noise;
      data[p + 1] = (255 * (x + y)) / (width + height) + noise;
      data[p + 2] = 128 + 100 * Math.sin((x * y) / (400 + 50 * seed)) - noise;
    }
  }
  return { width, height, channels: 3, data: new Uint8Array(data.buffer) };
}

/**
 * One colour everywhere. Keep it square for "no face" cases: the detector letterboxes non-square images
 * with black, and that border is texture enough for the fixture detector.
 */
export function flatImage(width: number, height: number, value = 128): RgbImage {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(value) };
}

/** A rising tone (120 → 480 Hz) with a 4 Hz syllable envelope, amplitude ≤ 0.3: speech-like enough. */
export function chirp(seconds: number, sampleRate = 16000): Float32Array {
  const length = Math.round(seconds * sampleRate);
  const pcm = new Float32Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    const frequency = 120 + (360 * t) / Math.max(seconds, 1e-3);
    phase += (2 * Math.PI * frequency) / sampleRate;
    pcm[i] = 0.3 * (0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t)) * Math.sin(phase);
  }
  return pcm;
}

/** {@link chirp} as a 16-bit PCM WAV file's bytes. */
export function chirpWav(seconds: number, sampleRate = 16000): Uint8Array {
  return encodeWav(chirp(seconds, sampleRate), sampleRate);
}
