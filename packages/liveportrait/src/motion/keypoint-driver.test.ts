import type { Float32Tensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { motionFixtures } from '../../test/motion-fixtures.js';
import { combineMotion } from './combine-motion.js';
import { convexHullVolume } from './convex-hull-volume.js';
import { createKeypointDriver } from './keypoint-driver.js';
import { rotateMotionFrame } from './rotated-motion-frame.js';
import { applyStitchingDelta } from './stitching.js';
import { transformKeypoint } from './transform-keypoint.js';

const { source, frame } = motionFixtures(1);
const frames = [frame(3, 0.9, [1, 2, 3]), frame(4, 1.1, [4, -3, 8]), frame(5, 1.0, [-2, 6, 1])];

/** A toy stitching network: a fixed linear map, so the expected result can be computed independently. */
async function toyStitching(input: Float32Tensor) {
  const out = new Float32Array(65);
  for (let j = 0; j < 63; j++) out[j] = 0.01 * input.data[j]! - 0.02 * input.data[63 + j]!;
  out[63] = 0.003;
  out[64] = -0.004;
  return { type: 'float32' as const, dims: [1, 65], data: out };
}

describe('createKeypointDriver', () => {
  const xs = transformKeypoint(source);

  it('rescales motion around x_s with the hull multiplier of the first frame (expression-friendly)', async () => {
    const driver = createKeypointDriver(source);
    expect(driver.motionMultiplier).toBeNull();
    const d0 = await driver.drive(frames[0]!);
    Array.from(d0).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]!, 6);
    });
    const x0 = combineMotion(source, rotateMotionFrame(frames[0]!), rotateMotionFrame(frames[0]!));
    const m = Math.sqrt(convexHullVolume(xs)) / Math.sqrt(convexHullVolume(x0));
    expect(driver.motionMultiplier).toBeCloseTo(m, 12);
    const d1 = await driver.drive(frames[1]!);
    const x1 = combineMotion(source, rotateMotionFrame(frames[1]!), rotateMotionFrame(frames[0]!));
    Array.from(d1).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]! + (x1[i]! - x0[i]!) * m, 6);
    });
  });

  it('uses the combined keypoints as they are when pose-friendly or without relative motion', async () => {
    for (const options of [{ drivingOption: 'pose-friendly' as const }, { relativeMotion: false }]) {
      const driver = createKeypointDriver(source, options);
      await driver.drive(frames[0]!);
      const d1 = await driver.drive(frames[1]!);
      expect(driver.motionMultiplier).toBeNull();
      const x1 = combineMotion(source, rotateMotionFrame(frames[1]!), rotateMotionFrame(frames[0]!));
      Array.from(d1).forEach((v, i) => {
        expect(v).toBeCloseTo(x1[i]!, 6);
      });
    }
  });

  it('stitches, adds the lip delta, then applies the driving multiplier', async () => {
    const lipDelta = Float32Array.from({ length: 63 }, (_, i) => (i % 5) * 1e-3);
    const driver = createKeypointDriver(source, {
      stitching: toyStitching,
      lipDelta,
      drivingMultiplier: 1.1,
      drivingOption: 'pose-friendly',
    });
    await driver.drive(frames[0]!);
    const d2 = await driver.drive(frames[2]!);
    const x2 = Float32Array.from(
      combineMotion(source, rotateMotionFrame(frames[2]!), rotateMotionFrame(frames[0]!)),
    );
    const input = new Float32Array(126);
    input.set(xs, 0);
    input.set(x2, 63);
    const stitched = applyStitchingDelta(
      x2,
      (await toyStitching({ type: 'float32', dims: [1, 126], data: input })).data,
    );
    Array.from(d2).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]! + (stitched[i]! + lipDelta[i]! - xs[i]!) * 1.1, 6);
    });
  });

  it('always applies the multiplier in animal mode and starts over after reset', async () => {
    const driver = createKeypointDriver(source, { mode: 'animal', relativeMotion: false });
    const d0 = await driver.drive(frames[1]!);
    Array.from(d0).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]!, 6);
    });
    expect(driver.motionMultiplier).not.toBeNull();
    driver.reset();
    expect(driver.motionMultiplier).toBeNull();
    const again = await driver.drive(frames[2]!);
    Array.from(again).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]!, 6);
    });
  });

  it('rejects bad options and frames', async () => {
    expect(() => createKeypointDriver(source, { drivingMultiplier: 3.5 })).toThrow(/from 0 to 3, got 3.5/);
    expect(() => createKeypointDriver(source, { region: 'face' as 'all' })).toThrow(/must be all, exp, pose/);
    expect(() => createKeypointDriver(source, { drivingMultiplier: Number.NaN })).toThrow(
      /drivingMultiplier/,
    );
    expect(() => createKeypointDriver(source, { mode: 'animal', lipDelta: new Float32Array(63) })).toThrow(
      /human mode/,
    );
    const driver = createKeypointDriver(source);
    await expect(driver.drive({ ...frames[0]!, exp: new Float32Array(60) })).rejects.toThrow(
      /exp: 63 values/,
    );
    await expect(driver.drive({ ...frames[0]!, scale: 0 })).rejects.toThrow(/non-zero/);
    await expect(driver.drive({ ...frames[0]!, t: Float32Array.of(0, Number.NaN, 0) })).rejects.toThrow(
      /t\[1\] is NaN/,
    );
    await expect(driver.drive({ ...frames[0]!, yaw: Number.NaN })).rejects.toThrow(/yaw is NaN/);
    const broken = createKeypointDriver(source, {
      stitching: async () => ({ type: 'float32', dims: [1, 63], data: new Float32Array(63) }),
    });
    await expect(broken.drive(frames[0]!)).rejects.toThrow(/65 values/);
  });
});
