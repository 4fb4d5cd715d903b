import { join } from 'node:path';
import { loadAudioEncoder } from '@joyvasa/audio-encoder';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { type AudioEncoderV1, InvalidInputError, openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { fixtureFaceDetector } from '@joyvasa/model-builder/synthetic';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  copyBundleWith,
  createFixtureWorkspace,
  type FixtureWorkspace,
  frameHashes,
  framesOf,
  motionOf,
  openFixtureHead,
} from '../../test/fixture-talking-head.js';
import { recordingSink } from '../../test/recording-sink.js';
import { chirpWav, flatImage, texturedImage } from '../../test/synthetic-media.js';

let workspace: FixtureWorkspace;
beforeAll(async () => {
  workspace = await createFixtureWorkspace();
});
afterAll(() => workspace?.cleanup());

const audio = chirpWav(0.12);

describe('animal mode', () => {
  it('reports which crop it used: the (human) detector on a textured image, the centre on a flat one', async () => {
    const head = await openFixtureHead(workspace.bundle, { mode: 'animal' });
    try {
      const textured = await collectEvents(head.stream({ image: texturedImage(200, 160), audio }));
      expect(textured[0]).toEqual({
        type: 'source-ready',
        width: 200,
        height: 160,
        cropMethod: 'detected-face',
        facesFound: 1,
      });
      expect(framesOf(textured).map((f) => [f.index, f.image.width, f.image.height])).toEqual([
        [0, 200, 160],
        [1, 200, 160],
        [2, 200, 160],
      ]);
      // No face: animal mode falls back to the largest centred square instead of failing.
      const flat = await collectEvents(head.stream({ image: flatImage(144, 144), audio }));
      expect(flat[0]).toMatchObject({ type: 'source-ready', cropMethod: 'centered', facesFound: 0 });
      expect(framesOf(flat)).toHaveLength(3);
    } finally {
      await head.dispose();
    }
  });
});

describe('several faces', () => {
  it('says so in a notice and animates the largest face', async () => {
    const twoFaces = await copyBundleWith(workspace.bundle, join(workspace.directory, 'two-faces'), {
      'face_detector.onnx': fixtureFaceDetector({ faces: 2 }).bytes,
    });
    const [one, two] = await Promise.all([openFixtureHead(workspace.bundle), openFixtureHead(twoFaces)]);
    try {
      const input = { image: texturedImage(256, 256, 2), audio };
      const events = await collectEvents(two.stream(input));
      expect(events[0]).toMatchObject({ type: 'source-ready', cropMethod: 'detected-face', facesFound: 2 });
      expect(events[1]).toEqual({
        type: 'notice',
        code: 'several-faces',
        message: '2 faces found; animating the largest',
      });
      // The largest face is the one the one-face detector reports: same crop, so the same frames.
      const reference = await collectEvents(one.stream(input));
      expect(frameHashes(events)).toHaveLength(3);
      expect(frameHashes(events)).toEqual(frameHashes(reference));
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  });

  it('rejects a face count the fixture detector does not have', () => {
    expect(() => fixtureFaceDetector({ faces: 3 as 2 })).toThrow(/options\.faces: must be 1 or 2, got 3/);
  });
});

describe('a custom audio encoder', () => {
  async function bundleEncoder(): Promise<AudioEncoderV1> {
    const bundle = await openModelBundle(createDirectorySource(workspace.bundle));
    return loadAudioEncoder(bundle, createOnnxNodeBackend(), { device: 'cpu' });
  }

  it('is used instead of the bundle encoder, and left to its owner on dispose()', async () => {
    const own = await bundleEncoder();
    const calls = { encode: 0, dispose: 0 };
    // A plain object: no base class, no registration.
    const custom: AudioEncoderV1 = {
      specificationVersion: 'v1',
      id: 'wrapped-fixture-hubert',
      sampleRate: own.sampleRate,
      featuresPerSecond: own.featuresPerSecond,
      featureDim: own.featureDim,
      async encode(pcm, options) {
        calls.encode++;
        return own.encode(pcm, options);
      },
      async dispose() {
        calls.dispose++;
      },
    };
    const [plain, wrapped] = await Promise.all([
      openFixtureHead(workspace.bundle),
      openFixtureHead(workspace.bundle, { audioEncoder: custom }),
    ]);
    try {
      const input = { image: texturedImage(128, 128), audio };
      const untilMotion = (e: { type: string }) => e.type === 'motion-chunk';
      const viaCustom = await collectEvents(wrapped.stream(input), untilMotion);
      expect(calls.encode).toBeGreaterThanOrEqual(1);
      // It wraps the same network, so the motion is the built-in encoder's.
      const viaBundle = await collectEvents(plain.stream(input), untilMotion);
      expect(motionOf(viaCustom)).toEqual(motionOf(viaBundle));
    } finally {
      await Promise.all([plain.dispose(), wrapped.dispose()]);
    }
    expect(calls.dispose).toBe(0);
    await own.dispose?.();
  });

  it('at 24 kHz animates end to end: the audio is decoded at its rate, windows cut there', async () => {
    const own = await bundleEncoder();
    const windowLengths: number[] = [];
    // A plain object taking 24 kHz PCM; it hands every third-of-two sample on to the 16 kHz network.
    const at24k: AudioEncoderV1 = {
      specificationVersion: 'v1',
      id: 'fixture-hubert-at-24k',
      sampleRate: 24000,
      featuresPerSecond: own.featuresPerSecond,
      featureDim: own.featureDim,
      async encode(pcm, options) {
        windowLengths.push(pcm.length);
        const at16k = Float32Array.from(
          { length: (pcm.length * 2) / 3 },
          (_, i) => pcm[Math.floor(i * 1.5)]!,
        );
        return own.encode(at16k, options);
      },
    };
    const head = await openFixtureHead(workspace.bundle, { audioEncoder: at24k });
    try {
      const events = await collectEvents(head.stream({ image: texturedImage(96, 96), audio }));
      // 0.12 s at 25 fps: three frames, as with the bundle's 16 kHz encoder.
      expect(framesOf(events)).toHaveLength(3);
      expect(events.at(-1)).toMatchObject({ type: 'stream-end', frameCount: 3 });
      // One window of 100 frames at 24 kHz / 25 fps: 96,000 samples (64,000 at 16 kHz).
      expect(windowLengths).toEqual([96_000]);
      // generate() too: decoded once at 24 kHz for the encoder, the sink told the track's own rate.
      const sink = recordingSink();
      const generated = await head.generate({ image: texturedImage(96, 96), audio }, { sink });
      expect(generated).toMatchObject({ frameCount: 3, fps: 25, durationSeconds: 0.12 });
      expect(sink.info).toMatchObject({ fps: 25, audio: { sampleRate: 16000, durationSeconds: 0.12 } });
      expect(windowLengths).toEqual([96_000, 96_000]);
    } finally {
      await head.dispose();
      await own.dispose?.();
    }
  });

  it('of another width than the motion model takes is refused before any run, naming both', async () => {
    const own = await bundleEncoder();
    let encoded = 0;
    const wide: AudioEncoderV1 = {
      ...own,
      id: 'too-wide',
      featureDim: own.featureDim + 1,
      encode: (pcm, options) => {
        encoded++;
        return own.encode(pcm, options);
      },
    };
    const head = await openFixtureHead(workspace.bundle, { audioEncoder: wide });
    try {
      expect(head.audioFeatureDim).toBe(own.featureDim);
      const error = await rejectionOf(collectEvents(head.stream({ image: texturedImage(96, 96), audio })));
      expect(InvalidInputError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toBe(
        `Invalid audioEncoder: its featureDim is ${own.featureDim + 1}; the motion model's audio projection ` +
          `takes features ${own.featureDim} wide (audioFeatureDim): use an encoder of that width`,
      );
      expect(encoded).toBe(0);
      // A live stream given with it is closed, not left waiting.
      let closed = false;
      async function* chunks() {
        try {
          yield new Float32Array(160);
        } finally {
          closed = true;
        }
      }
      const live = { stream: chunks(), sampleRate: 16000 };
      const refused = await rejectionOf(
        collectEvents(head.stream({ image: texturedImage(96, 96), audio: live })),
      );
      expect(refused.message).toMatch(/its featureDim is/);
      await expect.poll(() => closed).toBe(true);
    } finally {
      await head.dispose();
      await own.dispose?.();
    }
  });

  it('giving features at another rate than the motion frame rate is refused, naming that constraint', async () => {
    const own = await bundleEncoder();
    const fast: AudioEncoderV1 = { ...own, id: 'fast', featuresPerSecond: 50, encode: own.encode };
    const head = await openFixtureHead(workspace.bundle, { audioEncoder: fast });
    try {
      const error = await rejectionOf(collectEvents(head.stream({ image: texturedImage(96, 96), audio })));
      expect(InvalidInputError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toMatch(
        /gives 50 feature frames per second; the motion model needs features at 25 per second \(its sample rate, \d+ Hz, can be any/,
      );
    } finally {
      await head.dispose();
      await own.dispose?.();
    }
  });
});
