import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RgbImage } from '@joyvasa/core';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropSource } from '../crop/crop-image.js';
import { transformPoints } from '../image/affine.js';
import { resizeToLimit } from '../image/resize-to-limit.js';
import { loadMaskTemplate, maskTemplatePng } from '../paste-back/mask-template.js';
import { pasteBack, preparePasteBackMask } from '../paste-back/paste-back.js';
import { readImage } from './read-image.js';

const imagesDir = join(sharedDirectory(), 'data/images');
// Locally the shared data may be absent (skip); on CI its absence fails the run.
const available = requireSharedData('data/images/MANIFEST.tsv');

interface Entry {
  readonly file: string;
  readonly width: number;
  readonly height: number;
}

async function manifest(): Promise<Entry[]> {
  const lines = (await readFile(join(imagesDir, 'MANIFEST.tsv'), 'utf8')).trim().split('\n').slice(1);
  return lines.map((line) => {
    const columns = line.split('\t');
    const [width, height] = columns[6]!.split('x').map(Number) as [number, number];
    return { file: columns[0]!, width, height };
  });
}

/** A synthetic upright 5-point face centred in the image, eyes 20% of the short side apart. */
function centredFace(image: RgbImage): number[] {
  const [cx, cy, u] = [image.width / 2, image.height / 2, Math.min(image.width, image.height) / 10];
  return [cx - u, cy - u / 2, cx + u, cy - u / 2, cx, cy + u / 4, cx - 0.8 * u, cy + u, cx + 0.8 * u, cy + u];
}

describe.skipIf(!available)('shared images', () => {
  it('reads every image at its listed size as RGB, alpha dropped without blending', async () => {
    const entries = await manifest();
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const entry of entries) {
      const path = join(imagesDir, entry.file);
      const image = await readImage(path);
      expect([image.width, image.height, image.channels], entry.file).toEqual([entry.width, entry.height, 3]);
      expect(image.data.length).toBe(entry.width * entry.height * 3);
      const reference = await sharp(path, { autoOrient: true, ignoreIcc: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const channels = reference.info.channels;
      let worst = 0;
      for (let i = 0; i < entry.width * entry.height; i += 97) {
        for (let c = 0; c < 3; c++)
          worst = Math.max(worst, Math.abs(image.data[3 * i + c]! - reference.data[channels * i + c]!));
      }
      expect(worst, `${entry.file} differs from its own RGB channels`).toBe(0);
    }
  });

  it('crops a centred synthetic face from every image and pastes the crop back where the mask is solid', async () => {
    const template = await loadMaskTemplate();
    for (const entry of await manifest()) {
      const image = resizeToLimit(await readImage(join(imagesDir, entry.file)));
      expect(Math.max(image.width, image.height), entry.file).toBeLessThanOrEqual(1280);
      expect((image.width % 2) + (image.height % 2)).toBe(0);
      const face = centredFace(image);
      const crop = cropSource(image, face);
      expect([crop.image.width, crop.input.width]).toEqual([512, 256]);
      // Hand geometry: points span 2u x 1.5u around a mean at cy + 0.25u, so the side is 4.6u and the centre
      // cy + 0.25u − 0.125 · 4.6u; the eye midpoint (cy − 0.5u) sits 0.175u above it, on the vertical axis.
      const [ex, ey] = transformPoints(
        [image.width / 2, image.height / 2 - Math.min(image.width, image.height) / 20],
        crop.transform.mO2c,
      );
      expect(ex).toBeCloseTo(256, 4);
      expect(ey).toBeCloseTo(256 - (0.175 * 512) / 4.6, 4);
      expect(crop.transform.size).toBeCloseTo((4.6 * Math.min(image.width, image.height)) / 10, 6);
      const mask = preparePasteBackMask(template, crop.transform.mC2o, image.width, image.height);
      const pasted = pasteBack(crop.image, image, mask);
      let [sum, count] = [0, 0];
      for (let p = 0; p < image.width * image.height; p++) {
        if (mask.weights[p] !== 1) continue;
        for (let c = 0; c < 3; c++) sum += Math.abs(pasted.data[3 * p + c]! - image.data[3 * p + c]!);
        count += 3;
      }
      expect(count, entry.file).toBeGreaterThan(10_000);
      // Warping to 512 and back is a bilinear round trip: small differences, not a different image.
      expect(sum / count, entry.file).toBeLessThan(12);
    }
  });

  it('embeds the official mask template byte for byte', async () => {
    const official = await readFile(join(sharedDirectory(), 'spec/resources/mask_template.png'));
    expect(Buffer.compare(Buffer.from(maskTemplatePng()), official)).toBe(0);
  });
});
