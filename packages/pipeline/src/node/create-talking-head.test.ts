import { createTensor, DisposedError, type Float32Tensor, type RendererV1 } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import {
  collectEvents,
  frameHashes,
  framesOf,
  motionOf,
  openFixtureHead,
  useFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirp, chirpWav, texturedImage } from '../../test/synthetic-media.js';
import { stageQueueCapacity } from '../run/render-motion.js';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import { encodePng } from './sinks/encode-png.js';

const fixture = useFixtureHead();

/** A renderer that costs nothing and counts its calls; its colour follows the driving keypoints. */
function countingRenderer(): RendererV1 & { calls: number } {
  const renderer = {
    specificationVersion: 'v1' as const,
    outputSize: { width: 512, height: 512 },
    calls: 0,
    async render(input: { drivingKeypoints: Float32Tensor }): Promise<Float32Tensor> {
      renderer.calls++;
      const level = 0.5 + 0.4 * Math.tanh(input.drivingKeypoints.data.reduce((a, b) => a + b, 0));
      return createTensor('float32', [1, 3, 512, 512], new Float32Array(3 * 512 * 512).fill(level));
    },
  };
  return renderer;
}

/** The event types in order, with runs of one type collapsed (`frame, progress, frame…` stays as is). */
function typesOf(events: readonly TalkingHeadEvent[]): string[] {
  return events.map((event) => (event.type === 'progress' ? `progress:${event.stage}` : event.type));
}

describe('createTalkingHead stream() with the fixture bundle', () => {
  it('yields source-ready, a motion chunk, frames in order each followed by progress, then stream-end', async () => {
    // 201x151 is shrunk to even sides (200x150) as the official size limit does; 0.37 s is 9.25 frames.
    const image = await encodePng(texturedImage(201, 151));
    const events = await collectEvents(fixture.head.stream({ image, audio: chirpWav(0.37) }));
    const types = typesOf(events);
    expect(types.slice(0, 3)).toEqual(['source-ready', 'motion-chunk', 'progress:sample-motion']);
    expect(types.slice(3, -1)).toEqual(Array.from({ length: 9 }, () => ['frame', 'progress:render']).flat());
    expect(types.at(-1)).toBe('stream-end');
    expect(events[0]).toEqual({
      type: 'source-ready',
      width: 200,
      height: 150,
      cropMethod: 'detected-face',
      facesFound: 1,
      // The bundle's InsightFace models, as a FaceLocatorV1, and the square they cut.
      locator: 'insightface',
      cropSquare: {
        center: [expect.any(Number), expect.any(Number)],
        size: expect.any(Number),
        angle: expect.any(Number),
      },
    });
    const chunk = events[1]!;
    expect(chunk.type === 'motion-chunk' && [chunk.startFrame, chunk.totalFrames, chunk.fps]).toEqual([
      0, 9, 25,
    ]);
    expect(events[2]).toEqual({ type: 'progress', stage: 'sample-motion', completed: 1, total: 1 });
    const frames = framesOf(events);
    expect(frames.map((frame) => frame.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(frames.map((frame) => frame.time)).toEqual(frames.map((_, i) => i / 25));
    // Paste-back (the default) gives frames of the size-limited source.
    expect(frames.every((f) => f.image.width === 200 && f.image.height === 150)).toBe(true);
    const renders = events.filter((e) => e.type === 'progress' && e.stage === 'render');
    expect(renders.map((e) => e.type === 'progress' && [e.completed, e.total])).toEqual(
      frames.map((_, i) => [i + 1, 9]),
    );
    expect(events.at(-1)).toEqual({ type: 'stream-end', frameCount: 9, fps: 25, durationSeconds: 0.37 });
  });

  it('makes round(seconds · 25) frames of 512x512 crops without paste-back', async () => {
    // 0.33 s at 24 kHz (resampled to 16 kHz inside): 8.25 frames → 8.
    const audio = chirpWav(0.33, 24000);
    const events = await collectEvents(
      fixture.head.stream({ image: texturedImage(300, 240), audio }, { pasteBack: false }),
    );
    const frames = framesOf(events);
    expect(frames).toHaveLength(Math.round(0.33 * 25));
    expect(frames).toHaveLength(8);
    for (const frame of frames) {
      expect([frame.image.width, frame.image.height, frame.image.data.length]).toEqual([
        512,
        512,
        512 * 512 * 3,
      ]);
    }
    // The crops move: the fixture networks are not faces, but keypoints change from frame to frame.
    expect(Buffer.compare(frames[0]!.image.data, frames.at(-1)!.image.data)).not.toBe(0);
  });

  it('gives identical frames for the same seed and different motion for another seed', async () => {
    const input = { image: texturedImage(160, 160, 3), audio: { pcm: chirp(0.2), sampleRate: 16000 } };
    const first = await collectEvents(fixture.head.stream(input, { seed: 11 }));
    const again = await collectEvents(fixture.head.stream(input, { seed: 11 }));
    expect(motionOf(again)).toEqual(motionOf(first));
    expect(frameHashes(first)).toHaveLength(5);
    expect(frameHashes(again)).toEqual(frameHashes(first));
    // Another seed: different noise, so different motion (only the motion is needed: leave after it).
    const other = await collectEvents(
      fixture.head.stream(input, { seed: 12 }),
      (e) => e.type === 'motion-chunk',
    );
    const [m1, m2] = [motionOf(first), motionOf(other)];
    expect(m2).toHaveLength(m1.length);
    expect(m2).not.toEqual(m1);
  });

  it('renders the same frames with renderBatch: 3 as one frame at a time', async () => {
    const input = { image: texturedImage(160, 160, 3), audio: { pcm: chirp(0.2), sampleRate: 16000 } };
    const single = framesOf(await collectEvents(fixture.head.stream(input, { seed: 3 })));
    const batched = framesOf(await collectEvents(fixture.head.stream(input, { seed: 3, renderBatch: 3 })));
    expect(batched.map((frame) => frame.index)).toEqual([0, 1, 2, 3, 4]);
    expect(single).toHaveLength(5);
    for (const [i, frame] of batched.entries()) {
      // Batched convolutions may round differently in float32: at most one 8-bit level apart.
      const other = single[i]!.image.data;
      expect(frame.image.data.every((level, p) => Math.abs(level - other[p]!) <= 1)).toBe(true);
    }
    await expect(
      rejectionOf(collectEvents(fixture.head.stream(input, { renderBatch: 0 }))),
    ).resolves.toMatchObject({ name: 'InvalidInputError' });
  });

  it('stops rendering on break, and the same head streams again afterwards', async () => {
    const renderer = countingRenderer();
    const counted = await openFixtureHead(fixture.workspace.bundle, { renderer });
    try {
      const input = { image: texturedImage(128, 128), audio: chirpWav(0.6) };
      const early = await collectEvents(counted.stream(input), (e) => e.type === 'frame' && e.index === 1);
      expect(framesOf(early).map((f) => f.index)).toEqual([0, 1]);
      expect(early.some((e) => e.type === 'stream-end')).toBe(false);
      // The generator is closed at the yield of frame 1. The renderer works ahead of the consumer by no
      // more than its queue and the batch in its hands (one frame each here), and has stopped once the
      // loop is left: nothing renders afterwards.
      const afterBreak = renderer.calls;
      expect(afterBreak).toBeGreaterThanOrEqual(2);
      expect(afterBreak).toBeLessThanOrEqual(2 + stageQueueCapacity.renderedBatches + 1);
      const full = await collectEvents(counted.stream(input));
      expect(framesOf(full)).toHaveLength(15);
      expect(full.at(-1)).toMatchObject({ type: 'stream-end', frameCount: 15 });
      expect(renderer.calls).toBe(afterBreak + 15);
    } finally {
      await counted.dispose();
    }
  });

  it('fails with a DisposedError when stream(), generate() or warmUp() is called after dispose()', async () => {
    const disposed = await openFixtureHead(fixture.workspace.bundle);
    await disposed.dispose();
    await disposed.dispose();
    const input = { image: texturedImage(64, 64), audio: chirpWav(0.1) };
    const errors = await Promise.all([
      rejectionOf(collectEvents(disposed.stream(input))),
      rejectionOf(disposed.generate(input)),
      rejectionOf(disposed.warmUp(input.image)),
    ]);
    for (const error of errors) {
      expect(DisposedError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toMatch(/talking head has been disposed; create a new one/);
    }
  });

  it('with crop: false, stretches the whole image and makes 512x512 frames (no paste-back without a crop)', async () => {
    const events = await collectEvents(
      fixture.head.stream({ image: texturedImage(180, 120), audio: chirpWav(0.12) }, { crop: false }),
    );
    // As the official code, the face is still located without the crop, for lip normalisation.
    expect(events[0]).toMatchObject({ type: 'source-ready', cropMethod: 'none', facesFound: 1 });
    const frames = framesOf(events);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.image.width === 512 && f.image.height === 512)).toBe(true);
  });

  it('crops around a given faceBox and pastes back into the source', async () => {
    const image = texturedImage(240, 200);
    const events = await collectEvents(
      fixture.head.stream({ image, audio: chirpWav(0.12) }, { faceBox: [140, 100, 200, 160] }),
    );
    expect(events[0]).toMatchObject({ type: 'source-ready', cropMethod: 'face-box', facesFound: 0 });
    const frames = framesOf(events);
    expect(frames).toHaveLength(3);
    expect(frames.every((f) => f.image.width === 240 && f.image.height === 200)).toBe(true);
    // The corner is far outside the box's crop: paste-back leaves it as it was.
    expect(Array.from(frames[2]!.image.data.subarray(0, 3))).toEqual(Array.from(image.data.subarray(0, 3)));
  });
});
