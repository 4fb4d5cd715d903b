import { NoFaceFoundError, type RgbImage, type SessionV1, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { estimateCropTransform, landmarkCropOptions } from '../crop/crop-transform.js';
import { transformPoints } from '../image/affine.js';
import { eyeCloseRatios, lipCloseRatio } from '../motion/retargeting-ratios.js';
import { detectFace, detectFaces } from './detect-face.js';
import { createInsightFaceLocator } from './insightface-locator.js';
import { locateAnimalFace } from './locate-animal-face.js';

const image: RgbImage = {
  width: 1024,
  height: 768,
  channels: 3,
  data: new Uint8Array(1024 * 768 * 3).fill(90),
};
const detScale = 0.5; // 1024x768 letterboxes to 512x384

type Box = [number, number, number, number];

/** A session that checks its input and answers with raw outputs built from `respond`. */
function session(
  inputs: string[],
  outputs: string[],
  respond: (input: TensorLike) => TensorLike[],
): SessionV1 & { calls: number } {
  const fake = {
    specificationVersion: 'v1' as const,
    device: 'cpu' as const,
    inputNames: inputs,
    outputNames: outputs,
    calls: 0,
    async run(feeds: Readonly<Record<string, TensorLike>>) {
      fake.calls++;
      const input = feeds[inputs[0]!];
      if (!input) throw new Error(`expected input ${inputs[0]}`);
      return Object.fromEntries(respond(input).map((tensor, i) => [outputs[i]!, tensor]));
    },
    async dispose() {},
  };
  return fake;
}

/** A det_10g stand-in that "sees" the given faces (original pixels), each at the stride-32 anchor nearest its centre. */
function detector(faces: { box: Box; score: number }[]): SessionV1 {
  const names = Array.from({ length: 9 }, (_, i) => String(448 + i));
  return session(['input.1'], names, (input) => {
    expect(input.dims).toEqual([1, 3, 512, 512]);
    const out = [1, 4, 10].flatMap((w) =>
      [8, 16, 32].map((s) => ({
        type: 'float32' as const,
        dims: [(512 / s) ** 2 * 2, w],
        data: new Float32Array((512 / s) ** 2 * 2 * w),
      })),
    );
    for (const { box, score } of faces) {
      const b = box.map((v) => v * detScale);
      const [gx, gy] = [Math.round((b[0]! + b[2]!) / 64), Math.round((b[1]! + b[3]!) / 64)];
      const k = (gy * 16 + gx) * 2;
      out[2]!.data[k] = score;
      out[5]!.data.set(
        [(gx * 32 - b[0]!) / 32, (gy * 32 - b[1]!) / 32, (b[2]! - gx * 32) / 32, (b[3]! - gy * 32) / 32],
        4 * k,
      );
    }
    return out;
  });
}

/** 2d106det stand-in: the same 106 crop-space points whatever the crop, as (p / 96 - 1). */
const cropPoints106 = Array.from({ length: 212 }, (_, i) =>
  i % 2 === 0 ? 40 + (i % 37) * 3 : 50 + (i % 29) * 3,
);
cropPoints106.splice(2 * 52, 2, 96, 150); // mouth well below the eyes keeps the face upright
cropPoints106.splice(2 * 61, 2, 96, 150);
const landmark106 = session(['data'], ['fc1'], () => [
  { type: 'float32', dims: [1, 212], data: Float32Array.from(cropPoints106, (p) => p / 96 - 1) },
]);

/** landmark.onnx stand-in: 203 points at fixed normalised crop positions in its third output. */
const crop203 = Float32Array.from({ length: 406 }, (_, i) => 0.2 + ((i * 7) % 60) / 100);
const landmark203 = session(['input'], ['a', 'b', 'c'], (input) => {
  expect(input.dims).toEqual([1, 3, 224, 224]);
  return [
    { type: 'float32', dims: [1, 1], data: new Float32Array(1) },
    { type: 'float32', dims: [1, 1], data: new Float32Array(1) },
    { type: 'float32', dims: [1, 406], data: crop203 },
  ];
});

describe('detectFace', () => {
  const small: Box = [700, 100, 800, 220];
  const large: Box = [200, 250, 460, 560];

  it('returns the largest face, its 106 landmarks mapped back, its 203 landmarks and every face', async () => {
    const result = await detectFace(image, {
      detector: detector([
        { box: small, score: 0.95 },
        { box: large, score: 0.7 },
      ]),
      landmark106,
      landmark203,
    });
    expect(result.faces).toHaveLength(2);
    result.face.box.forEach((v, i) => {
      expect(v).toBeCloseTo(large[i]!, 3);
    });
    result.faces[1]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo(small[i]!, 3);
    });
    // Hand inverse of the 2d106det crop: x = cx + (p - 96) / s, s = 192 / (1.5 · 310), centre (330, 405).
    const s = 192 / (1.5 * 310);
    result.landmarks106.forEach((v, i) => {
      expect(v).toBeCloseTo((i % 2 === 0 ? 330 : 405) + (cropPoints106[i]! - 96) / s, 2);
    });
    const crop = estimateCropTransform(result.landmarks106, landmarkCropOptions);
    const expected203 = transformPoints(
      Float32Array.from(crop203, (v) => v * 224),
      crop.mC2o,
    );
    result.landmarks203!.forEach((v, i) => {
      expect(v).toBeCloseTo(expected203[i]!, 3);
    });
  });

  it('skips the 203-point model when no session is given, and honours the threshold', async () => {
    const result = await detectFace(image, { detector: detector([{ box: large, score: 0.2 }]), landmark106 });
    expect(result.landmarks203).toBeNull();
    await expect(
      detectFace(
        image,
        { detector: detector([{ box: large, score: 0.2 }]), landmark106 },
        { threshold: 0.5 },
      ),
    ).rejects.toThrow(NoFaceFoundError);
  });

  it('throws NoFaceFoundError with advice when nothing is found', async () => {
    const error = await detectFace(image, { detector: detector([]), landmark106 }).catch((e: unknown) => e);
    expect(NoFaceFoundError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/No face found in the 1024x768 image.*lower options.threshold/);
    expect(await detectFaces(image, detector([]))).toEqual([]);
  });
});

describe('locateAnimalFace', () => {
  const nine = [40, 50, 48, 50, 60, 50, 68, 50, 54, 62, 46, 72, 62, 72, 54, 70, 54, 76];

  it('prefers keypoints, then a box, then the human detector, then the centre', async () => {
    expect((await locateAnimalFace(image, { keypoints: nine, box: [0, 0, 10, 10] })).method).toBe(
      'keypoints',
    );
    expect((await locateAnimalFace(image, { box: [100, 100, 300, 300] })).method).toBe('box');
    const found = await locateAnimalFace(image, {
      sessions: { detector: detector([{ box: [200, 250, 460, 560], score: 0.9 }]), landmark106 },
    });
    expect(found.method).toBe('human-detector');
    const none = await locateAnimalFace(image, { sessions: { detector: detector([]), landmark106 } });
    expect(none.method).toBe('center');
    expect(none.transform.size).toBe(768);
    expect((await locateAnimalFace(image)).method).toBe('center');
    await expect(locateAnimalFace(image, { keypoints: nine.slice(2) })).rejects.toThrow(/9 \(x, y\) points/);
  });
});

describe('createInsightFaceLocator', () => {
  const small: Box = [700, 100, 800, 220];
  const large: Box = [200, 250, 460, 560];

  it('is detectFace as a FaceLocatorV1: crop landmarks, openness from the 203 points, the other faces', async () => {
    const faces = [
      { box: small, score: 0.95 },
      { box: large, score: 0.7 },
    ];
    const expected = await detectFace(image, { detector: detector(faces), landmark106, landmark203 });
    const locator = createInsightFaceLocator({ detector: detector(faces), landmark106, landmark203 });
    expect([locator.specificationVersion, locator.name, locator.subject]).toEqual([
      'v1',
      'insightface',
      'human',
    ]);
    const location = await locator.locate(image);
    expect(location?.face.cropLandmarks).toEqual(expected.landmarks106);
    expect(location?.face.openness).toEqual({
      eyes: eyeCloseRatios(expected.landmarks203!),
      lip: lipCloseRatio(expected.landmarks203!),
    });
    expect(location?.others.map((face) => face.score)).toEqual([expected.faces[1]!.score]);
  });

  it('has no openness without the 203-point model, honours the threshold and returns null for no face', async () => {
    const locator = createInsightFaceLocator({
      detector: detector([{ box: large, score: 0.2 }]),
      landmark106,
    });
    expect((await locator.locate(image))?.face.openness).toBeNull();
    expect(await locator.locate(image, { threshold: 0.5 })).toBeNull();
  });
});
