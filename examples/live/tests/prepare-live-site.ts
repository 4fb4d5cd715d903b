import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav } from '@joyvasa/audio-encoder';
import { type StaticRoute, writeFixtureModels } from '@joyvasa/example-kit';
import { buildExample, testPortraitPng } from '@joyvasa/example-kit/testing';
import { timecodeSignal } from './timecode.js';

const exampleDirectory = fileURLToPath(new URL('..', import.meta.url));

/** The live page's test site. */
export interface LiveSite {
  readonly routes: readonly StaticRoute[];
  readonly portraitPng: Uint8Array;
  /** The fake microphone's file: the timecode signal, 16-bit PCM (what Chromium's fake capture reads). */
  readonly microphoneWav: string;
}

/** Writes the built page (`dist/`), the fixture bundle (`models/fixture/`) and the microphone's WAV. */
export async function prepareLiveSite(directory: string): Promise<LiveSite> {
  const [dist, models] = [join(directory, 'dist'), join(directory, 'models')];
  await mkdir(join(models, 'fixture'), { recursive: true });
  await writeFixtureModels(join(models, 'fixture'));
  const microphoneWav = join(directory, 'microphone.wav');
  // 48 kHz, a microphone's usual rate; headless Chromium's context runs at 44.1 kHz, so the path resamples.
  await writeFile(microphoneWav, encodeWav(timecodeSignal(48000), 48000, { format: 'int16' }));
  await buildExample(exampleDirectory, dist, { main: 'index.html' });
  return {
    routes: [
      { prefix: '/models/', directory: models },
      { prefix: '/', directory: dist },
    ],
    portraitPng: await testPortraitPng(),
    microphoneWav,
  };
}
