import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { keptFrames, planAudioWindows, windowSamples } from './audio-window-plan.js';

describe('planAudioWindows', () => {
  it("matches the spec's 10 s example, with the official float clip_len of 252", () => {
    const plan = planAudioWindows(160_000, { sampleRate: 16000, fps: 25 });
    // int(161920 / 16000 * 25) is int(252.99999999999997) in Python: the spec's 253 is the exact quotient.
    expect(plan.clipFrames).toBe(252);
    expect(plan).toMatchObject({
      paddedSamples: 161_920,
      samplesPerFrame: 640,
      windowSamples: 64_000,
      frameCount: 253,
      windowCount: 3,
      padSamples: 30_080,
      padFrames: 47,
    });
    expect([0, 1, 2].map((i) => keptFrames(plan, i))).toEqual([100, 100, 53]);
  });

  it.each([
    [1, 16_000, 28, 1],
    [4, 64_000, 103, 2],
    [4.04, 64_640, 104, 2],
    [10, 160_000, 253, 3],
    [61, 976_000, 1528, 16],
  ])('%s s of audio gives floor((N + 1920)/640) frames', (_seconds, samples, frames, windows) => {
    const plan = planAudioWindows(samples, { sampleRate: 16000, fps: 25 });
    expect(plan.frameCount).toBe(Math.floor((samples + 1920) / 640));
    expect(plan.frameCount).toBe(frames);
    expect(plan.windowCount).toBe(windows);
    const kept = Array.from({ length: plan.windowCount }, (_, i) => keptFrames(plan, i));
    expect(kept.reduce((a, b) => a + b, 0)).toBe(frames);
  });

  it('keeps exactly frameCount frames for every length, including window edges and short overshoots', () => {
    for (let samples = 1; samples < 400_000; samples += 317) {
      const plan = planAudioWindows(samples, { sampleRate: 16000, fps: 25 });
      const kept = Array.from({ length: plan.windowCount }, (_, i) => keptFrames(plan, i));
      expect(kept.reduce((a, b) => a + b, 0)).toBe(plan.frameCount);
      if (samples !== 126_720) expect(plan.frameCount).toBe(Math.floor((samples + 1920) / 640));
    }
    // The one length below 3,000,000 samples where the official float clip_len (200 for N' = 128,640)
    // leaves two windows with 640 samples dropped instead of three: 200 frames, not 201.
    expect(planAudioWindows(126_720, { sampleRate: 16000, fps: 25 })).toMatchObject({
      clipFrames: 200,
      windowCount: 2,
      frameCount: 200,
    });
    // N' just above one window: clip_len 100 → one window, nothing padded, the extra samples dropped.
    expect(planAudioWindows(64_300 - 1920, { sampleRate: 16000, fps: 25 })).toMatchObject({
      frameCount: 100,
      windowCount: 1,
      padFrames: 0,
    });
  });

  it('rejects empty audio and impossible options', () => {
    expect(() => planAudioWindows(0, { sampleRate: 16000, fps: 25 })).toThrow(InvalidInputError);
    expect(() => planAudioWindows(-5, { sampleRate: 16000, fps: 25 })).toThrow(InvalidInputError);
    expect(() => planAudioWindows(100, { sampleRate: 16000, fps: 24 })).toThrow(/whole number of samples/);
    expect(() => planAudioWindows(100, { sampleRate: 16000, fps: 25, padMode: 'reflect' as 'zero' })).toThrow(
      InvalidInputError,
    );
  });
});

describe('windowSamples', () => {
  const pcm = Float32Array.from({ length: 100_000 }, (_, i) => ((i % 1000) + 1) / 1000);

  it('puts 1280 zeros before the audio and cuts 64,000-sample windows', () => {
    const plan = planAudioWindows(pcm.length, { sampleRate: 16000, fps: 25 });
    const first = windowSamples(pcm, plan, 0);
    expect(first).toHaveLength(64_000);
    expect(first.subarray(0, 1280).every((v) => v === 0)).toBe(true);
    expect(first[1280]).toBe(pcm[0]);
    expect(first[63_999]).toBe(pcm[64_000 - 1280 - 1]);
    const second = windowSamples(pcm, plan, 1);
    expect(second[0]).toBe(pcm[64_000 - 1280]);
    // After the audio: 640 zeros of trailing silence, then the zero padding.
    const end = pcm.length + 1280 - 64_000;
    expect(second[end - 1]).toBe(pcm[pcm.length - 1]);
    expect(second.subarray(end).every((v) => v === 0)).toBe(true);
  });

  it('replicates the last padded sample, which is silence unless the trailing silence is 0', () => {
    const replicate = planAudioWindows(pcm.length, { sampleRate: 16000, fps: 25, padMode: 'replicate' });
    expect(windowSamples(pcm, replicate, 1).at(-1)).toBe(0);
    const bare = planAudioWindows(pcm.length, {
      sampleRate: 16000,
      fps: 25,
      padMode: 'replicate',
      trailingSilence: 0,
    });
    expect(windowSamples(pcm, bare, 1).at(-1)).toBe(pcm[pcm.length - 1]);
  });

  it('refuses audio of another length than planned', () => {
    expect(() =>
      windowSamples(pcm.subarray(1), planAudioWindows(pcm.length, { sampleRate: 16000, fps: 25 }), 0),
    ).toThrow(InvalidInputError);
  });
});
