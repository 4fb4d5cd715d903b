import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';

function sine(rate: number, frequency: number, seconds: number, phase = 0): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.sin((2 * Math.PI * frequency * i) / rate + phase),
  );
}

/**
 * Least-squares fit of `a sin(wt) + b cos(wt)` over the middle of the signal (the edges see the
 * zero padding): returns amplitude, phase, and the RMS of what the fit leaves over.
 */
function fitTone(pcm: Float32Array, rate: number, frequency: number) {
  const from = Math.floor(pcm.length * 0.2);
  const to = Math.floor(pcm.length * 0.8);
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let k = from; k < to; k++) {
    const w = (2 * Math.PI * frequency * k) / rate;
    const s = Math.sin(w);
    const c = Math.cos(w);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += pcm[k]! * s;
    yc += pcm[k]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let residual = 0;
  for (let k = from; k < to; k++) {
    const w = (2 * Math.PI * frequency * k) / rate;
    residual += (pcm[k]! - a * Math.sin(w) - b * Math.cos(w)) ** 2;
  }
  return {
    amplitude: Math.hypot(a, b),
    phase: Math.atan2(b, a),
    residualRms: Math.sqrt(residual / (to - from)),
  };
}

function rms(pcm: Float32Array): number {
  const from = Math.floor(pcm.length * 0.2);
  const to = Math.floor(pcm.length * 0.8);
  let sum = 0;
  for (let k = from; k < to; k++) sum += pcm[k]! ** 2;
  return Math.sqrt(sum / (to - from));
}

describe('resample', () => {
  const sourceRates = [8000, 11025, 22050, 32000, 44100, 48000, 96000, 44056, 37800.5];

  for (const fromRate of sourceRates) {
    const passband = [300, 1000, 3100, Math.min(7000, fromRate * 0.45)];
    it(`keeps amplitude and phase of passband tones from ${fromRate} Hz to 16 kHz`, () => {
      for (const frequency of passband) {
        const phase = 0.7;
        const out = resample(sine(fromRate, frequency, 0.5, phase), fromRate, 16000);
        const fit = fitTone(out, 16000, frequency);
        expect(Math.abs(20 * Math.log10(fit.amplitude)), `${frequency} Hz gain in dB`).toBeLessThan(0.001);
        expect(Math.abs(fit.phase - phase), `${frequency} Hz phase`).toBeLessThan(1e-4);
        expect(fit.residualRms, `${frequency} Hz residual`).toBeLessThan(1e-5);
      }
    });
  }

  it('attenuates tones above 8 kHz by more than 100 dB when downsampling', () => {
    for (const fromRate of [22050, 44100, 48000, 96000, 44056]) {
      for (const frequency of [8000, 8300, 9000, 12000, 15000, 20000]) {
        if (frequency >= fromRate / 2) continue;
        const out = resample(sine(fromRate, frequency, 0.5), fromRate, 16000);
        expect(rms(out) / Math.SQRT1_2, `${frequency} Hz from ${fromRate} Hz`).toBeLessThan(1e-5);
      }
    }
  });

  it('passes tones up to 91% of the lower Nyquist with under 0.001 dB ripple', () => {
    for (const frequency of [6000, 7000, 7250]) {
      const out = resample(sine(44100, frequency, 0.5), 44100, 16000);
      expect(Math.abs(20 * Math.log10(fitTone(out, 16000, frequency).amplitude))).toBeLessThan(0.001);
    }
  });

  it('upsamples 8 kHz to 16 kHz without images above 4 kHz', () => {
    const out = resample(sine(8000, 3000, 0.5), 8000, 16000);
    const fit = fitTone(out, 16000, 3000);
    expect(fit.amplitude).toBeCloseTo(1, 4);
    // An image of 3 kHz would appear at 8 - 3 = 5 kHz; the residual holds everything but the tone.
    expect(fit.residualRms).toBeLessThan(1e-5);
  });

  it('has the librosa output length ceil(n * to / from) and no delay at the start', () => {
    expect(resample(new Float32Array(44100), 44100, 16000)).toHaveLength(16000);
    expect(resample(new Float32Array(1001), 44100, 16000)).toHaveLength(Math.ceil((1001 * 16000) / 44100));
    expect(resample(new Float32Array(3), 8000, 16000)).toHaveLength(6);
    const impulse = new Float32Array(4801);
    impulse[2400] = 1;
    const out = resample(impulse, 48000, 16000);
    const peak = out.reduce((best, value, index) => (value > out[best]! ? index : best), 0);
    expect(peak).toBe(800);
  });

  it('keeps a constant exactly constant away from the edges, and returns a copy for equal rates', () => {
    const out = resample(new Float32Array(22050).fill(0.5), 22050, 16000);
    for (let k = 1000; k < out.length - 1000; k++) expect(Math.abs(out[k]! - 0.5)).toBeLessThan(1e-6);
    const input = new Float32Array([1, 2, 3]);
    const same = resample(input, 16000, 16000);
    expect(same).toEqual(input);
    expect(same).not.toBe(input);
  });

  it('rejects bad rates and options', () => {
    const x = new Float32Array(10);
    for (const [from, to] of [
      [0, 16000],
      [Number.NaN, 16000],
      [16000, -1],
      [16000, Number.POSITIVE_INFINITY],
    ]) {
      expect(() => resample(x, from!, to!)).toThrow(InvalidInputError);
    }
    expect(() => resample(x, 8000, 16000, { passbandEnd: 1 })).toThrow(/passbandEnd/);
    expect(() => resample(x, 8000, 16000, { stopbandAttenuationDb: 10 })).toThrow(/stopbandAttenuationDb/);
  });
});
