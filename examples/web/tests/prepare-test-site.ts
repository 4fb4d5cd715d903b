import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '@joyvasa/audio-encoder';
import type { ModelManifest } from '@joyvasa/core';
import { type StaticRoute, writeFixtureModels, writeSlimFixtureModels } from '@joyvasa/example-kit';
import { buildExample, testPortraitPng } from '@joyvasa/example-kit/testing';
import { encodePng } from '@joyvasa/pipeline/node';
import { convModel, gatherModel, mlpModel } from '@joyvasa/test-utils';

const exampleDirectory = fileURLToPath(new URL('..', import.meta.url));

/** Everything the browser tests serve, and the same inputs for the Node side. */
export interface TestSite {
  readonly routes: readonly StaticRoute[];
  readonly bundleDirectory: string;
  readonly manifest: ModelManifest;
  /** The portrait (PNG, decoded exactly by every decoder) and one second of speech-like WAV. */
  readonly portraitPng: Uint8Array;
  readonly speechWav: Uint8Array;
  /** Its first 0.04 s (one frame), for the slow WebGPU-on-SwiftShader pipeline run. */
  readonly shortSpeechWav: Uint8Array;
}

/**
 * A 64x48 RGBA picture whose alpha runs 0, 85, 170, 255 with colours that are never black: decoders that
 * premultiply lose the colour under transparent pixels, OpenCV keeps it.
 */
export function translucentPicture(): { width: number; height: number; channels: 4; data: Uint8Array } {
  const [width, height] = [64, 48];
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set([40 + ((i * 3) % 200), 60 + ((i * 7) % 180), 90 + ((i * 11) % 160), 85 * (i % 4)], i * 4);
  }
  return { width, height, channels: 4, data };
}

/** One second at 16 kHz: a 220 Hz tone under a slow envelope, so the audio encoder sees changing input. */
function speech(): Float32Array {
  const rate = 16000;
  return Float32Array.from(
    { length: rate },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) * Math.sin((Math.PI * i) / rate),
  );
}

/**
 * Writes the site under `directory`: the example page and the harness page built by Vite (`dist/`), the
 * fixture bundles (`models/fixture/`, and `models/fixture-slim/` for WebGPU), tiny conformance models
 * (`tiny/`) and the inputs (`inputs/`).
 */
export async function prepareTestSite(directory: string): Promise<TestSite> {
  const folders = Object.fromEntries(
    ['dist', 'models/fixture', 'models/fixture-slim', 'tiny', 'inputs'].map((name) => [
      name,
      join(directory, name),
    ]),
  ) as Record<'dist' | 'models/fixture' | 'models/fixture-slim' | 'tiny' | 'inputs', string>;
  await Promise.all(Object.values(folders).map((folder) => mkdir(folder, { recursive: true })));
  const manifest = await writeFixtureModels(folders['models/fixture']);
  await writeSlimFixtureModels(folders['models/fixture-slim']);
  for (const model of [mlpModel(), convModel(), gatherModel()]) {
    await writeFile(join(folders.tiny, `${model.name}.onnx`), model.bytes);
  }
  const portraitPng = await testPortraitPng();
  const speechWav = encodeWav(speech(), 16000);
  const shortSpeechWav = encodeWav(speech().subarray(0, 640), 16000);
  await writeFile(join(folders.inputs, 'portrait.png'), portraitPng);
  await writeFile(join(folders.inputs, 'speech.wav'), speechWav);
  await writeFile(join(folders.inputs, 'speech-short.wav'), shortSpeechWav);
  await writeFile(join(folders.inputs, 'translucent.png'), await encodePng(translucentPicture()));
  await buildExample(exampleDirectory, folders.dist, {
    main: 'index.html',
    harness: 'tests/harness.html',
  });
  return {
    routes: [
      { prefix: '/models/', directory: join(directory, 'models') },
      { prefix: '/tiny/', directory: folders.tiny },
      { prefix: '/inputs/', directory: folders.inputs },
      { prefix: '/', directory: folders.dist },
    ],
    bundleDirectory: folders['models/fixture'],
    manifest,
    portraitPng,
    speechWav,
    shortSpeechWav,
  };
}
