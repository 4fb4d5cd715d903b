import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { NoFaceFoundError, type RgbImage, type SessionV1 } from '@joyvasa/core';
import { convertLocatorModels } from '@joyvasa/model-builder/tfjs/node';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../node/read-image.js';
import { locateFaceOrThrow } from './locate-face-or-throw.js';
import { detectNanoDetAnimals } from './nano-det.js';
import { createNanoDetAnimalLocator } from './nanodet-animal-locator.js';

const imagesDir = join(sharedDirectory(), 'data/images');
// Locally the shared data may be absent (skip); on CI its absence fails the run.
const available = requireSharedData('data/images/MANIFEST.tsv');
const photos = available ? readdirSync(imagesDir).filter((file) => !file.endsWith('.tsv')) : [];
const catsAndDogs = photos.filter((file) => /^animal_(cat|dog)_/.test(file));

describe.skipIf(!available)('NanoDet animal locator on ../shared/data', () => {
  let session: SessionV1;
  beforeAll(async () => {
    const models = await convertLocatorModels();
    session = await createOnnxNodeBackend().createSession(models.components.nanodet_detector!.bytes, {
      device: 'cpu',
    });
  });
  afterAll(() => session?.dispose());

  it('finds the cat or the dog of every animal photo, labelled right, covering the middle of the photo', async () => {
    expect(catsAndDogs.length).toBeGreaterThanOrEqual(4);
    const rows: string[] = [];
    for (const file of catsAndDogs) {
      const image = await readImage(join(imagesDir, file));
      const [best] = await detectNanoDetAnimals(image, session);
      expect(best, file).toBeDefined();
      expect(best!.label, file).toBe(file.includes('_cat_') ? 'cat' : 'dog');
      const [x1, y1, x2, y2] = best!.box;
      // A portrait of the animal: its box holds the photo's centre and is a large part of the photo.
      expect(
        x1 < image.width / 2 && image.width / 2 < x2 && y1 < image.height / 2 && image.height / 2 < y2,
        file,
      ).toBe(true);
      expect(((x2 - x1) * (y2 - y1)) / (image.width * image.height), file).toBeGreaterThan(0.2);
      rows.push(
        `${file}\t${best!.label} ${best!.score.toFixed(2)}\t[${best!.box.map((v) => v.toFixed(0)).join(', ')}]`,
      );
    }
    console.log(`NanoDet on the animal photos:\n${rows.join('\n')}`);
  });

  it('as a FaceLocatorV1: the head box at the top of the animal, no openness; NoFaceFoundError on a blank image', async () => {
    const locator = createNanoDetAnimalLocator(session);
    const image = await readImage(join(imagesDir, 'animal_cat_01.jpg'));
    const found = await locateFaceOrThrow(locator, image);
    const [x1, y1, x2, y2] = found.face.box;
    expect(x2 - x1).toBeCloseTo(y2 - y1, 3);
    expect(found.face.openness).toBeNull();
    expect(found.face.cropLandmarks).toHaveLength(10);
    const blank: RgbImage = {
      width: 320,
      height: 240,
      channels: 3,
      data: new Uint8Array(320 * 240 * 3).fill(90),
    };
    await expect(locateFaceOrThrow(locator, blank)).rejects.toThrow(NoFaceFoundError);
    await expect(locateFaceOrThrow(locator, blank)).rejects.toThrow(/nanodet locator found no cat or dog/);
  });
});
