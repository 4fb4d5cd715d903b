import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  IntegrityError,
  InvalidInputError,
  ModelLoadError,
  type ModelManifest,
  NoFaceFoundError,
} from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import {
  collectEvents,
  copyBundleWith,
  openFixtureHead,
  useFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirp, chirpWav, flatImage, texturedImage } from '../../test/synthetic-media.js';
import type { AnimateOptions } from '../run/talking-head-options.js';
import type { NodeAudioInput, NodeImageInput } from './create-talking-head.js';
import { encodePng } from './sinks/encode-png.js';

const fixture = useFixtureHead();

const image = texturedImage(96, 96);
const audio = chirpWav(0.12);

function run(input: { image?: NodeImageInput; audio?: NodeAudioInput }, options?: AnimateOptions) {
  return rejectionOf(collectEvents(fixture.head.stream({ image, audio, ...input }, options)));
}

/** Expects an InvalidInputError about `input` whose message matches `message`. */
function expectInvalid(error: Error, input: string, message: RegExp) {
  expect(InvalidInputError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
  expect((error as InvalidInputError).input).toBe(input);
  expect(error.message).toMatch(message);
}

describe('createTalkingHead stream(): bad audio', () => {
  it('rejects an empty file', async () => {
    expectInvalid(await run({ audio: new Uint8Array(0) }), 'audio', /empty \(0 bytes\)/);
  });

  it('rejects PCM without samples', async () => {
    const error = await run({ audio: { pcm: new Float32Array(0), sampleRate: 16000 } });
    expectInvalid(error, 'audio', /no samples/);
  });

  it('rejects NaN samples, naming the first one', async () => {
    const pcm = chirp(0.1);
    pcm[100] = Number.NaN;
    expectInvalid(await run({ audio: { pcm, sampleRate: 16000 } }), 'audio', /sample 100 .* NaN/);
  });

  it('rejects bytes that are no audio format', async () => {
    const error = await run({ audio: new TextEncoder().encode('this is not a sound file at all') });
    expectInvalid(error, 'audio', /corrupt or not audio/);
  });
});

describe('createTalkingHead stream(): bad images', () => {
  it('rejects corrupt image bytes', async () => {
    const png = await encodePng(texturedImage(32, 32));
    const corrupt = png.slice(0, 40);
    expectInvalid(await run({ image: corrupt }), 'image', /not an image sharp can decode|corrupt|truncated/);
    const garbage = new Uint8Array(256).map((_, i) => (i * 31) & 0xff);
    expectInvalid(await run({ image: garbage }), 'image', /not an image sharp can decode/);
  });

  it('rejects an 8x8 image file as too small', async () => {
    const error = await run({ image: await encodePng(texturedImage(8, 8)) });
    expectInvalid(error, 'image', /8x8 is too small; use an image at least 16 pixels a side/);
  });

  // Known gap: decoded pixels skip the size check that image files get (16 px a side minimum), and an
  // 8x8 picture is animated as a blurry 512x512 crop. Remove `.fails` once createTalkingHead checks them.
  it('rejects 8x8 decoded pixels as too small', async () => {
    expectInvalid(await run({ image: texturedImage(8, 8) }), 'image', /too small/);
  });

  it('finds no face in a flat image: NoFaceFoundError with advice', async () => {
    const error = await run({ image: flatImage(128, 128) });
    expect(NoFaceFoundError.isInstance(error), error.message).toBe(true);
    expect(error.message).toMatch(/No face found in the 128x128 image/);
  });
});

describe('createTalkingHead stream(): options out of range', () => {
  const cases: Array<[string, AnimateOptions, string]> = [
    ['cfgScale NaN', { cfgScale: Number.NaN }, 'options.cfgScale'],
    ['seed -1', { seed: -1 }, 'options.seed'],
    ['seed 1.5', { seed: 1.5 }, 'options.seed'],
    ['drivingMultiplier 10', { drivingMultiplier: 10 }, 'options.drivingMultiplier'],
    ['faceBox inverted', { faceBox: [80, 80, 20, 20] }, 'options.faceBox'],
    ['ddim 0 steps', { sampler: { ddim: 0 } }, 'options.sampler'],
  ];
  it.each(cases)('%s is an InvalidInputError naming the option', async (_, options, name) => {
    const error = await run({}, options);
    expectInvalid(error, name, /must/);
  });
});

describe('createTalkingHead: broken bundles', () => {
  it('reports a bundle file that is missing as a ModelLoadError naming it', async () => {
    const broken = await copyBundleWith(
      fixture.workspace.bundle,
      join(fixture.workspace.directory, 'missing-file'),
      {},
    );
    // The renderer graph (W+G), which the head opens instead of W and G where the bundle has it.
    await rm(join(broken, 'renderer.onnx'));
    const incomplete = await openFixtureHead(broken);
    try {
      const error = await rejectionOf(collectEvents(incomplete.stream({ image, audio })));
      expect(ModelLoadError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toMatch(/renderer\.onnx: the file does not exist/);
    } finally {
      await incomplete.dispose();
    }
  });

  it('reports a manifest entry pointing at the wrong file as an IntegrityError', async () => {
    const wrong = await copyBundleWith(
      fixture.workspace.bundle,
      join(fixture.workspace.directory, 'wrong-file'),
      {},
    );
    const path = join(wrong, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as ModelManifest;
    const generator = manifest.components.renderer!;
    const animal = manifest.components.animal_renderer!;
    // Same size, other weights: only the hash can tell.
    expect(animal.file.bytes).toBe(generator.file.bytes);
    Object.assign(generator.file, { path: animal.file.path });
    await writeFile(path, JSON.stringify(manifest));
    const mismatched = await openFixtureHead(wrong);
    try {
      const error = await rejectionOf(collectEvents(mismatched.stream({ image, audio })));
      expect(IntegrityError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toMatch(/animal_renderer\.onnx is corrupt or was replaced/);
    } finally {
      await mismatched.dispose();
    }
  });

  it('reports a folder without a manifest when the head is created', async () => {
    const error = await rejectionOf(openFixtureHead(join(fixture.workspace.directory, 'no-such-bundle')));
    expect(ModelLoadError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
    expect(error.message).toMatch(/manifest\.json: the file does not exist/);
  });
});
