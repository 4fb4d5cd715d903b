import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type RgbImage } from '@joyvasa/core';
import { buildPasteBack } from '@joyvasa/model-builder';
import { describe, expect, it } from 'vitest';
import { estimateCropTransform } from '../crop/crop-transform.js';
import { tensorToImage } from '../image/image-tensor.js';
import { loadMaskTemplate } from './mask-template.js';
import { pasteBack, preparePasteBackMask } from './paste-back.js';
import { createSessionPasteBack } from './paste-back-session.js';

function testImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (97 * i + (i >> 7)) & 255;
  return { width, height, channels: 3, data };
}

/** Pixels that differ, as a share, and the largest difference. */
function differences(actual: Uint8Array, expected: Uint8Array) {
  let off = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!);
    if (difference > 0) off++;
    worst = Math.max(worst, difference);
  }
  return { share: off / expected.length, worst };
}

const plane = 3 * 512 * 512;
const rendered = (phase: number) =>
  Float32Array.from(
    { length: plane },
    (_, i) => 0.5 + 0.6 * Math.sin(i * 0.0131 + phase) * Math.cos(i * 0.00017),
  );

describe('createSessionPasteBack', () => {
  it('gives the TypeScript paste-back frames of a batch in one run, within one level on rare pixels', async () => {
    const original = testImage(301, 245);
    // A rotated crop around a made-up face, so the warp is a general affine map.
    const points = [120, 100, 180, 110, 150, 150, 125, 180, 175, 185];
    const transform = estimateCropTransform(points, { dsize: 512 });
    const mask = preparePasteBackMask(
      await loadMaskTemplate(),
      transform.mC2o,
      original.width,
      original.height,
    );
    const frames = [rendered(0), rendered(1.3)];
    const batch = new Float32Array(2 * plane);
    frames.forEach((frame, i) => {
      batch.set(frame, i * plane);
    });
    const session = await createOnnxNodeBackend().createSession(buildPasteBack().encode(), { device: 'cpu' });
    const { paste, dispose } = await createSessionPasteBack({ session, batched: true }, original, mask);
    const actual = await paste(createTensor('float32', [2, 3, 512, 512], batch));
    await dispose();
    await session.dispose();
    expect(actual).toHaveLength(2);
    for (const [i, frame] of frames.entries()) {
      const expected = pasteBack(
        tensorToImage(createTensor('float32', [1, 3, 512, 512], frame)),
        original,
        mask,
      );
      expect([actual[i]!.width, actual[i]!.height]).toEqual([original.width, original.height]);
      const { share, worst } = differences(actual[i]!.data, expected.data);
      expect(worst).toBeLessThanOrEqual(1);
      expect(share).toBeLessThan(0.01);
    }
    expect(differences(actual[0]!.data, actual[1]!.data).share).toBeGreaterThan(0.01);
    // Outside the mask the original stays exactly as it was.
    expect(actual[0]!.data.slice(0, 30)).toEqual(original.data.slice(0, 30));
  });
});
