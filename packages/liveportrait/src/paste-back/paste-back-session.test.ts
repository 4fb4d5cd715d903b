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

describe('createSessionPasteBack', () => {
  it('gives the TypeScript paste-back frame, within one level on rare pixels', async () => {
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
    const rendered = createTensor(
      'float32',
      [1, 3, 512, 512],
      Float32Array.from(
        { length: 3 * 512 * 512 },
        (_, i) => 0.5 + 0.6 * Math.sin(i * 0.0131) * Math.cos(i * 0.00017),
      ),
    );
    const expected = pasteBack(tensorToImage(rendered), original, mask);
    const session = await createOnnxNodeBackend().createSession(buildPasteBack().encode(), { device: 'cpu' });
    const actual = await createSessionPasteBack(session, original, mask)(rendered);
    await session.dispose();
    expect([actual.width, actual.height]).toEqual([original.width, original.height]);
    let off = 0;
    let worst = 0;
    for (let i = 0; i < expected.data.length; i++) {
      const difference = Math.abs(actual.data[i]! - expected.data[i]!);
      if (difference > 0) off++;
      worst = Math.max(worst, difference);
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(off / expected.data.length).toBeLessThan(0.01);
    // Outside the mask the original stays exactly as it was.
    expect(actual.data.slice(0, 30)).toEqual(original.data.slice(0, 30));
  });
});
