import type { FaceLocatorV1, LocateFaceOptions } from '@joyvasa/core';
import { createSeededNoise } from '@joyvasa/motion-diffusion';
import { describe, expect, it } from 'vitest';
import {
  collectEvents,
  frameHashes,
  motionOf,
  openFixtureHead,
  useFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../../test/synthetic-media.js';

const fixture = useFixtureHead();

const audio = chirpWav(0.12);
const image = texturedImage(200, 160);

/** A caller's locator: five detector points of a face around (100, 80), and how it was asked. */
function fivePointLocator(calls: LocateFaceOptions[]): FaceLocatorV1 {
  return {
    specificationVersion: 'v1',
    name: 'five-points',
    subject: 'human',
    async locate(_image, options = {}) {
      calls.push(options);
      const cropLandmarks = Float32Array.of(85, 70, 115, 70, 100, 82, 88, 95, 112, 95);
      return {
        face: { box: [80, 60, 120, 100], score: 0.9, cropLandmarks, openness: null },
        others: [{ box: [0, 0, 20, 20], score: 0.4 }],
      };
    },
  };
}

describe('a caller’s face locator and injected noise', () => {
  it('places the crop by the caller’s locator, with the detection threshold passed on', async () => {
    const calls: LocateFaceOptions[] = [];
    const head = await openFixtureHead(fixture.workspace.bundle, { faceLocator: fivePointLocator(calls) });
    try {
      const events = await collectEvents(head.stream({ image, audio }, { detectionThreshold: 0.3, seed: 1 }));
      expect(events[0]).toMatchObject({ type: 'source-ready', cropMethod: 'detected-face', facesFound: 2 });
      expect(calls.map((call) => call.threshold)).toEqual([0.3]);
      const fromBundle = await collectEvents(fixture.head.stream({ image, audio }, { seed: 1 }));
      expect(frameHashes(events)).not.toEqual(frameHashes(fromBundle));
    } finally {
      await head.dispose();
    }
  });

  it('samples with the injected noise instead of the seed', async () => {
    const { head } = fixture;
    const noise = createSeededNoise(7);
    const [a, b, seeded] = await Promise.all([
      collectEvents(head.stream({ image, audio }, { noise, seed: 1 })),
      collectEvents(head.stream({ image, audio }, { noise, seed: 2 })),
      collectEvents(head.stream({ image, audio }, { seed: 7 })),
    ]);
    expect(motionOf(a)).toEqual(motionOf(b));
    // createSeededNoise(7) is what seed 7 draws.
    expect(motionOf(a)).toEqual(motionOf(seeded));
    const other = await collectEvents(head.stream({ image, audio }, { seed: 8 }));
    expect(motionOf(other)).not.toEqual(motionOf(a));
  });
});
