import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JoyvasaEvent, NoFaceFoundError } from '@joyvasa/core';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvents, openFixtureHead } from '../../test/fixture-talking-head.js';
import { chirpWav, flatImage } from '../../test/synthetic-media.js';
import type { SourceReadyEvent } from '../run/talking-head-events.js';

const imagesDir = join(sharedDirectory(), 'data/images');
// Locally the shared data may be absent (skip); on CI its absence fails the run.
const available = requireSharedData('data/images/human_07.png', 'data/images/animal_dog_02.jpg');
const audio = chirpWav(0.08);

describe.skipIf(!available)('the default locators of a bundle without InsightFace files', () => {
  let root: string;
  let bundle: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'joyvasa-default-locators-'));
    ({ directory: bundle } = await ensureSyntheticBundle('fixture', {
      cacheDirectory: root,
      locators: true,
    }));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('crops the human face found by MediaPipe and says so', async () => {
    const notices: JoyvasaEvent[] = [];
    const head = await openFixtureHead(bundle, { onEvent: (event) => notices.push(event) });
    try {
      const events = await collectEvents(
        head.stream({ image: join(imagesDir, 'human_07.png'), audio }),
        (e) => e.type === 'source-ready',
      );
      expect(notices).toContainEqual(
        expect.objectContaining({ type: 'notice', code: 'default-face-locator' }),
      );
      expect(events[0]).toMatchObject({
        type: 'source-ready',
        cropMethod: 'detected-face',
        facesFound: 1,
        locator: 'mediapipe',
      });
      const square = (events[0] as SourceReadyEvent).cropSquare!;
      // human_07 is a 512 px head-and-shoulders portrait: the crop sits on the face in the upper middle.
      expect(square.center[0]).toBeGreaterThan(200);
      expect(square.center[0]).toBeLessThan(320);
      expect(square.size).toBeGreaterThan(400);
      await expect(collectEvents(head.stream({ image: flatImage(160, 120), audio }))).rejects.toThrow(
        NoFaceFoundError,
      );
    } finally {
      await head.dispose();
    }
  });

  it('crops the dog found by NanoDet in animal mode and says so', async () => {
    const notices: JoyvasaEvent[] = [];
    const head = await openFixtureHead(bundle, { mode: 'animal', onEvent: (event) => notices.push(event) });
    try {
      const events = await collectEvents(
        head.stream({ image: join(imagesDir, 'animal_dog_02.jpg'), audio }),
        (e) => e.type === 'source-ready',
      );
      expect(notices).toContainEqual(
        expect.objectContaining({ type: 'notice', code: 'default-animal-locator' }),
      );
      expect(events[0]).toMatchObject({
        type: 'source-ready',
        cropMethod: 'detected-face',
        locator: 'nanodet',
      });
    } finally {
      await head.dispose();
    }
  });
});
