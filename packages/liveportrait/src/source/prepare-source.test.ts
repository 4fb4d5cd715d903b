import {
  createTensor,
  type FaceLocatorV1,
  InvalidInputError,
  type LocateFaceOptions,
  NoFaceFoundError,
  type RgbImage,
  type SessionV1,
  type TensorLike,
} from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import type { LivePortraitModels } from '../bundle/load-live-portrait.js';
import type { MlpRunner } from '../motion/mlp-runner.js';
import { prepareSource } from './prepare-source.js';
import type { PrepareSourceOptions } from './source-options.js';

const image: RgbImage = {
  width: 200,
  height: 160,
  channels: 3,
  data: Uint8Array.from({ length: 200 * 160 * 3 }, (_, i) => (i * 7 + (i >> 9)) & 255),
};

// Five detector points (eyes, nose, mouth corners) of a face around (100, 80).
const facePoints = Float32Array.of(85, 70, 115, 70, 100, 82, 88, 95, 112, 95);

function fakeSession(outputs: () => Record<string, TensorLike>, seen: TensorLike[] = []): SessionV1 {
  return {
    specificationVersion: 'v1',
    device: 'cpu',
    inputNames: ['img'],
    outputNames: Object.keys(outputs()),
    run: async (feeds) => {
      seen.push(feeds.img as TensorLike);
      return outputs();
    },
    dispose: async () => {},
  };
}

const values = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

function fakeModels(lipInputs: Float32Array[], motionInputs: TensorLike[] = []): LivePortraitModels {
  const one = (v: number) => createTensor('float32', [1, 1], Float32Array.of(v));
  const lip: MlpRunner = async (input) => {
    lipInputs.push(input.data as Float32Array);
    return createTensor(
      'float32',
      [1, 63],
      values(63, (i) => i / 1000),
    );
  };
  const stitching: MlpRunner = async () => createTensor('float32', [1, 65], new Float32Array(65));
  return {
    mode: 'human',
    appearance: fakeSession(() => ({ feature_3d: createTensor('float32', [1, 2], Float32Array.of(1, 2)) })),
    motion: fakeSession(
      () => ({
        pitch: one(3),
        yaw: one(-5),
        roll: one(2),
        t: createTensor('float32', [1, 3], Float32Array.of(0.01, 0.02, 0)),
        exp: createTensor(
          'float32',
          [1, 63],
          values(63, (i) => Math.sin(i) / 50),
        ),
        scale: one(1.2),
        kp: createTensor(
          'float32',
          [1, 63],
          values(63, (i) => Math.cos(i * 1.7) / 4),
        ),
      }),
      motionInputs,
    ),
    renderer: {
      specificationVersion: 'v1',
      outputSize: { width: 512, height: 512 },
      render: async () => {
        throw new Error('unused');
      },
    },
    stitching,
    lip,
    dispose: async () => {},
  };
}

function fixedLocator(
  box: readonly [number, number, number, number],
  calls: LocateFaceOptions[] = [],
): FaceLocatorV1 {
  return {
    specificationVersion: 'v1',
    name: 'fixed',
    subject: 'human',
    locate: async (_image, options = {}) => {
      calls.push(options);
      return {
        face: { box, score: 0.9, cropLandmarks: facePoints, openness: { eyes: [0.3, 0.3], lip: 0.2 } },
        others: [{ box: [0, 0, 10, 10], score: 0.5 }],
      };
    },
  };
}

const base: PrepareSourceOptions = {
  crop: true,
  stitching: true,
  pasteBack: true,
  relativeMotion: true,
  normalizeLip: true,
  drivingMultiplier: 1,
  region: 'all',
};

describe('prepareSource', () => {
  it('normalises the lip with the crop off, from the face located on the whole image', async () => {
    const lipInputs: Float32Array[] = [];
    const source = await prepareSource(image, fakeModels(lipInputs), {
      ...base,
      crop: false,
      faceLocator: fixedLocator([80, 60, 120, 100]),
    });
    expect(source.cropMethod).toBe('none');
    expect(source.facesFound).toBe(2);
    expect(source.lipDelta?.[5]).toBeCloseTo(0.005, 6);
    // The lip MLP gets [x_s, source ratio, 0].
    expect(Array.from(lipInputs[0]!.slice(63))).toEqual([Math.fround(0.2), 0]);
  });

  it('normalises the lip on the face-box path when the located face lies in the box', async () => {
    const inside = await prepareSource(image, fakeModels([]), {
      ...base,
      faceBox: [70, 50, 130, 110],
      faceLocator: fixedLocator([80, 60, 120, 100]),
    });
    expect(inside.cropMethod).toBe('face-box');
    expect(inside.lipDelta).not.toBeNull();
    const elsewhere = await prepareSource(image, fakeModels([]), {
      ...base,
      faceBox: [150, 10, 190, 50],
      faceLocator: fixedLocator([80, 60, 120, 100]),
    });
    expect(elsewhere.lipDelta).toBeNull();
  });

  it('gives no lip delta without relative motion or with normalizeLip off', async () => {
    const locator = fixedLocator([80, 60, 120, 100]);
    for (const options of [{ relativeMotion: false }, { normalizeLip: false }]) {
      const source = await prepareSource(image, fakeModels([]), {
        ...base,
        ...options,
        faceLocator: locator,
      });
      expect(source.lipDelta).toBeNull();
    }
  });

  it('passes the detection threshold to the locator and crops with the caller’s crop settings', async () => {
    const calls: LocateFaceOptions[] = [];
    const inputs: TensorLike[] = [];
    const models = fakeModels([], inputs);
    const faceLocator = fixedLocator([80, 60, 120, 100], calls);
    const first = await prepareSource(image, models, { ...base, faceLocator, detectionThreshold: 0.4 });
    await prepareSource(image, models, {
      ...base,
      faceLocator,
      cropScale: 3,
      cropOffsetY: 0,
      cropRotation: false,
    });
    expect(first.cropMethod).toBe('detected-face');
    expect(calls[0]?.threshold).toBe(0.4);
    expect(inputs[0]!.data).not.toEqual(inputs[1]!.data);
  });

  it('applies the caller’s source size limit and divisor', async () => {
    const source = await prepareSource(image, fakeModels([]), {
      ...base,
      crop: false,
      normalizeLip: false,
      sourceMaxDim: 101,
      sourceDivision: 4,
    });
    // 200x160 → 101x80 (int(160 · 101/200)), then cut to multiples of 4.
    expect([source.image.width, source.image.height]).toEqual([100, 80]);
  });

  it('names the locator when it finds no face, and asks for one when there is none', async () => {
    const empty: FaceLocatorV1 = {
      specificationVersion: 'v1',
      name: 'empty',
      subject: 'human',
      locate: async () => null,
    };
    await expect(prepareSource(image, fakeModels([]), { ...base, faceLocator: empty })).rejects.toThrow(
      NoFaceFoundError,
    );
    await expect(prepareSource(image, fakeModels([]), { ...base, faceLocator: empty })).rejects.toThrow(
      /No face found in the 200x160 image \(empty\)/,
    );
    await expect(prepareSource(image, fakeModels([]), base)).rejects.toThrow(InvalidInputError);
  });
});
