import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import type { FrameEvent } from '@joyvasa/pipeline';
import { createTalkingHead, type NodeTalkingHead } from '@joyvasa/pipeline/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { texturedPng } from '../../test/media.js';
import { liveFps, liveSampleRate } from './live-codecs.js';
import { streamLiveFrames } from './live-session.js';
import { startRealtimeAudio } from './realtime-audio.js';

/**
 * Between utterances a live session's portrait keeps moving, and speech joins the same frame clock: the
 * session's own audio clock and run of `stream()` on the fixture bundle (CPU), the clock sped up so that
 * seconds of media pass in less (the renderer, not the clock, sets the pace here).
 */
let directory: string;
let head: NodeTalkingHead;
let portrait: Uint8Array;

/** Media seconds of silence before the speech is pushed, and of speech. */
const silenceSeconds = 1.2;
const speechSeconds = 0.6;
/** The session's clock runs this many times faster than the wall clock in this test. */
const clockSpeed = 8;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'joyvasa-live-idle-'));
  const bundle = await ensureSyntheticBundle('fixture', { cacheDirectory: directory });
  head = await createTalkingHead({ models: bundle.directory, device: 'cpu' });
  portrait = await texturedPng(128, 128);
});

afterAll(async () => {
  await head?.dispose();
  await rm(directory, { recursive: true, force: true });
});

/** A warbling tone: speech enough for the motion model. */
const speech = (seconds: number) =>
  Float32Array.from(
    { length: Math.round(seconds * liveSampleRate) },
    (_, i) => 0.4 * Math.sin((2 * Math.PI * (170 + 50 * Math.sin(i / 700)) * i) / liveSampleRate),
  );

/** Mean absolute difference of two frames' pixels (0–255). */
function pixelDistance(a: FrameEvent, b: FrameEvent): number {
  let sum = 0;
  for (let i = 0; i < a.image.data.length; i++) sum += Math.abs(a.image.data[i]! - b.image.data[i]!);
  return sum / a.image.data.length;
}

describe('a live session between utterances', () => {
  it('moves on silence, not a frozen frame, and speech continues the same 25 frames/s clock', async () => {
    const started = performance.now();
    const audio = startRealtimeAudio(() => started + (performance.now() - started) * clockSpeed);
    const silentSamples = Math.round(silenceSeconds * liveSampleRate);
    let speechStart: number | undefined;
    audio.onOutput = (start, pcm) => {
      if (speechStart === undefined && start + pcm.length >= silentSamples) {
        audio.push(speech(speechSeconds));
        speechStart = start + pcm.length;
      }
    };
    const abort = new AbortController();
    const frames: FrameEvent[] = [];
    const lastTime = silenceSeconds + speechSeconds;
    const animate = { lookahead: 1, sampler: { ddim: 2 }, stitching: false } as const;
    try {
      for await (const event of streamLiveFrames(head, portrait, audio, animate, abort.signal)) {
        if (event.type !== 'frame') continue;
        frames.push(event);
        if (event.time >= lastTime) break;
      }
    } finally {
      abort.abort();
      audio.close();
    }
    // One frame clock from the first frame through the start of speech: no gap, no jump, no restart.
    expect(frames.map((frame) => frame.index)).toEqual(frames.map((_, i) => i));
    for (const frame of frames) expect(frame.time).toBeCloseTo(frame.index / liveFps, 6);
    const boundary = speechStart! / liveSampleRate;
    expect(frames.some((frame) => frame.time < boundary)).toBe(true);
    expect(frames.some((frame) => frame.time > boundary + 0.2)).toBe(true);
    // On silence the portrait keeps moving: each frame differs from the one 5 ticks (0.2 s) before it.
    const silent = frames.filter((frame) => frame.time + 1 / liveFps <= boundary);
    expect(silent.length).toBeGreaterThanOrEqual(20);
    const distances = silent.slice(5).map((frame, i) => pixelDistance(frame, silent[i]!));
    // A repeated frame is 0 exactly; the fixture's motion on silence moves pixels by 0.03–0.17 on average.
    for (const distance of distances) expect(distance).toBeGreaterThan(0.01);
  }, 120_000);
});
