import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { SessionV1 } from '@joyvasa/core';
import { buildRetargetingMlp, retargetingMlpConfigs } from '@joyvasa/model-builder';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motionFixtures } from '../../test/motion-fixtures.js';
import { createKeypointDriver, type KeypointDriverOptions } from './keypoint-driver.js';
import { createMlpRunner, type MlpRunner } from './mlp-runner.js';

const { source, frame } = motionFixtures(1);
const frames = Array.from({ length: 7 }, (_, i) =>
  frame(3 + i, 0.9 + 0.05 * i, [i - 3, 2 * i - 5, (i * 7) % 5]),
);
let session: SessionV1;
let stitching: MlpRunner;

beforeAll(async () => {
  // The stitching network as bundles carry it (formula weights): `[batch, 126]` in, `[batch, 65]` out.
  const graph = buildRetargetingMlp(
    createFormulaSource('stitch', new Map(), 'random'),
    retargetingMlpConfigs.stitching,
  );
  session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
  stitching = createMlpRunner(session);
});
afterAll(() => session.dispose());

async function oneAtATime(options: KeypointDriverOptions) {
  const driver = createKeypointDriver(source, options);
  const out = new Float32Array(frames.length * 63);
  for (const [i, motion] of frames.entries()) out.set(await driver.drive(motion), i * 63);
  return out;
}

function worstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('KeypointDriver.driveBatch', () => {
  const lipDelta = Float32Array.from({ length: 63 }, (_, i) => ((i % 7) - 3) * 1e-3);
  const cases: Array<[string, KeypointDriverOptions]> = [
    ['stitching, lip delta and a driving multiplier', { lipDelta, drivingMultiplier: 1.1 }],
    ['pose-friendly, lips only', { drivingOption: 'pose-friendly', region: 'lip' }],
    ['animal mode', { mode: 'animal' }],
  ];
  for (const [name, options] of cases) {
    it(`gives the keypoints of one frame at a time, stitching in one run (${name})`, async () => {
      const expected = await oneAtATime({ ...options, stitching });
      const batched = createKeypointDriver(source, { ...options, stitching });
      // Batches of 3, 1 and 3: frame 0 is defined once, by the first batch.
      const out = new Float32Array(frames.length * 63);
      let next = 0;
      for (const size of [3, 1, 3]) {
        out.set(await batched.driveBatch(frames.slice(next, next + size)), next * 63);
        next += size;
      }
      expect(worstDifference(out, expected)).toBeLessThan(1e-5);
      // The network moved the keypoints: the comparison is not of unstitched values.
      const unstitched = await oneAtATime(options);
      expect(worstDifference(expected, unstitched)).toBeGreaterThan(1e-4);
    });
  }

  it('runs the stitching network once per batch', async () => {
    const batches: number[] = [];
    const counting: MlpRunner = async (input, runOptions) => {
      batches.push(input.dims[0]!);
      return stitching(input, runOptions);
    };
    const driver = createKeypointDriver(source, { stitching: counting });
    await driver.driveBatch(frames.slice(0, 5));
    await driver.driveBatch([]);
    expect(batches).toEqual([5]);
  });
});
