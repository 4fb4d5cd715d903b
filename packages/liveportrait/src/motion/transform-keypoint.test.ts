import { describe, expect, it } from 'vitest';
import { parseKeypointInfo } from './keypoint-info.js';
import { rotationMatrix } from './rotation-matrix.js';
import { applyKeypointTransform, transformKeypoint } from './transform-keypoint.js';

const tensor = (values: ArrayLike<number>) => ({
  type: 'float32' as const,
  dims: [1, values.length],
  data: Float32Array.from(values),
});

describe('keypoint transform', () => {
  it('computes s · (kp · R + exp) + (tx, ty, 0) by hand', () => {
    const kp = new Float32Array(63);
    kp.set([1, 2, 3], 0);
    kp.set([0, 0, 1], 3);
    const exp = new Float32Array(63);
    exp.set([0.5, 0, 0], 0);
    // 90° roll: R = Rzᵀ, so (x, y, z) · R = (x cos − y sin, x sin + y cos, z) = (−y, x, z): (1, 2, 3) -> (−2, 1, 3).
    const r = rotationMatrix(0, 0, 90, new Float64Array(9));
    const out = applyKeypointTransform(kp, r, exp, 2, [10, 20, 99]);
    expect(Array.from(out.subarray(0, 6)).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([
      2 * (-2 + 0.5) + 10,
      2 * 1 + 20,
      6,
      10,
      20,
      2,
    ]);
  });

  it('interprets the motion extractor outputs and transforms the source', () => {
    const bins = (peak: number) => Float32Array.from({ length: 66 }, (_, i) => (i === peak ? 40 : 0));
    const kp = Float32Array.from({ length: 63 }, (_, i) => (i % 7) / 10 - 0.3);
    const info = parseKeypointInfo({
      pitch: tensor(bins(33)),
      yaw: tensor(bins(32)),
      roll: tensor([12.5]),
      t: tensor([0.1, -0.2, 5]),
      exp: tensor(new Float32Array(63)),
      scale: tensor([1.5]),
      kp: tensor(kp),
    });
    expect(info.pitch).toBeCloseTo(1.5, 4);
    expect(info.yaw).toBeCloseTo(-1.5, 4);
    expect(info.roll).toBe(12.5);
    const x = transformKeypoint(info);
    const manual = applyKeypointTransform(
      kp,
      rotationMatrix(info.pitch, info.yaw, 12.5),
      new Float32Array(63),
      1.5,
      info.t,
    );
    expect(Array.from(x)).toEqual(Array.from(manual));
    expect(x[2]).toBeCloseTo(
      1.5 * (kp[0]! * info.rotation[2]! + kp[1]! * info.rotation[5]! + kp[2]! * info.rotation[8]!),
      6,
    );
  });

  it('rejects missing, mis-sized and non-finite outputs', () => {
    const good = {
      pitch: tensor([0]),
      yaw: tensor([0]),
      roll: tensor([0]),
      t: tensor([0, 0, 0]),
      exp: tensor(new Float32Array(63)),
      scale: tensor([1]),
      kp: tensor(new Float32Array(63)),
    };
    expect(() => parseKeypointInfo({ ...good, kp: tensor(new Float32Array(60)) })).toThrow(/'kp'.*63 values/);
    expect(() => parseKeypointInfo({ ...good, t: undefined as never })).toThrow(/'t'.*nothing/);
    expect(() => parseKeypointInfo({ ...good, scale: tensor([Number.NaN]) })).toThrow(/NaN/);
    expect(() =>
      applyKeypointTransform(new Float32Array(3), new Float32Array(9), new Float32Array(63), 1, [0, 0, 0]),
    ).toThrow(/63 values/);
  });
});
