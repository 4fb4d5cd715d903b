import { describe, expect, it } from 'vitest';
import { motionFixtures } from '../../test/motion-fixtures.js';
import { combineMotion, lipKeypoints } from './combine-motion.js';
import { applyKeypointTransform, transformKeypoint } from './transform-keypoint.js';

const { source, rotated } = motionFixtures();
const first = rotated(3, 0.9, [1, 2, 3]);
const later = rotated(4, 1.1, [4, -3, 8]);

/** `a · bᵀ` then `· c`, written plainly. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): number[] {
  const ab = [0, 1, 2].flatMap((i) =>
    [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + a[3 * i + k]! * b[3 * j + k]!, 0)),
  );
  return [0, 1, 2].flatMap((i) =>
    [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + ab[3 * i + k]! * c[3 * k + j]!, 0)),
  );
}

function expected(rotation: ArrayLike<number>, delta: (i: number) => number, scale: number): Float64Array {
  const t = [source.t[0]! + later.t[0]! - first.t[0]!, source.t[1]! + later.t[1]! - first.t[1]!, 0];
  return applyKeypointTransform(
    source.kp,
    rotation,
    Float64Array.from({ length: 63 }, (_, i) => delta(i)),
    scale,
    t,
    new Float64Array(63),
  ) as Float64Array;
}

const isLip = (i: number) => lipKeypoints.includes(Math.floor(i / 3));
const rel = (i: number) => source.exp[i]! + later.exp[i]! - first.exp[i]!;
const closeTo = (actual: ArrayLike<number>, wanted: ArrayLike<number>) =>
  Array.from(actual).forEach((v, i) => {
    expect(v, `value ${i}`).toBeCloseTo(wanted[i]!, 12);
  });

describe('combineMotion', () => {
  const ratio = source.scale * (later.scale / first.scale);

  it('human, all regions: relative rotation, expression, scale and translation, absolute lip rows', () => {
    closeTo(
      combineMotion(source, later, first),
      expected(
        relative(later.rotation, first.rotation, source.rotation),
        (i) => (isLip(i) ? later.exp[i]! : rel(i)),
        ratio,
      ),
    );
  });

  it('human regions: exp keeps the pose, pose keeps the expression, lip moves only lip rows', () => {
    closeTo(
      combineMotion(source, later, first, { region: 'exp' }),
      expected(source.rotation, (i) => (isLip(i) ? later.exp[i]! : rel(i)), ratio),
    );
    const moved = relative(later.rotation, first.rotation, source.rotation);
    closeTo(
      combineMotion(source, later, first, { region: 'pose' }),
      expected(moved, (i) => source.exp[i]!, ratio),
    );
    closeTo(
      combineMotion(source, later, first, { region: 'eyes' }),
      expected(source.rotation, (i) => source.exp[i]!, ratio),
    );
    closeTo(
      combineMotion(source, later, first, { region: 'lip' }),
      expected(source.rotation, (i) => (isLip(i) ? rel(i) : source.exp[i]!), ratio),
    );
  });

  it('animal: constant scale, no absolute lip rows; the first frame gives back x_s', () => {
    const animal = combineMotion(source, later, first, { mode: 'animal' });
    closeTo(animal, expected(relative(later.rotation, first.rotation, source.rotation), rel, source.scale));
    const xs = transformKeypoint({ ...source, t: Float32Array.of(source.t[0]!, source.t[1]!, 0) });
    Array.from(combineMotion(source, first, first, { mode: 'animal' })).forEach((v, i) => {
      expect(v).toBeCloseTo(xs[i]!, 6);
    });
    expect(() => combineMotion(source, later, first, { mode: 'animal', region: 'lip' })).toThrow(
      /region 'all'/,
    );
  });

  it('human, first frame: the source except for the absolute lip rows', () => {
    const x = combineMotion(source, first, first);
    const withLips = applyKeypointTransform(
      source.kp,
      source.rotation,
      Float64Array.from({ length: 63 }, (_, i) => (isLip(i) ? first.exp[i]! : source.exp[i]!)),
      source.scale,
      [source.t[0]!, source.t[1]!, 0],
      new Float64Array(63),
    );
    closeTo(x, withLips);
  });
});
