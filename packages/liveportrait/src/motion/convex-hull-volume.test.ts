import { describe, expect, it } from 'vitest';
import { convexHullVolume, motionMultiplier } from './convex-hull-volume.js';

/** A deterministic generator (LCG) so that test clouds are fixed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const cube = [0, 1].flatMap((x) => [0, 1].flatMap((y) => [0, 1].flatMap((z) => [x, y, z])));

function transform(
  points: number[],
  scale: number,
  angle: number,
  shift: [number, number, number],
): number[] {
  const out: number[] = [];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let i = 0; i < points.length; i += 3) {
    const [x, y, z] = [points[i]!, points[i + 1]!, points[i + 2]!];
    // Rotate about z then about x, scale, shift.
    const [x1, y1] = [c * x - s * y, s * x + c * y];
    const [y2, z2] = [c * y1 - s * z, s * y1 + c * z];
    out.push(scale * x1 + shift[0], scale * y2 + shift[1], scale * z2 + shift[2]);
  }
  return out;
}

describe('convexHullVolume', () => {
  it('measures a cube, with interior points and points on its faces and edges (21 points in all)', () => {
    expect(convexHullVolume(cube)).toBeCloseTo(1, 12);
    const next = random(7);
    const interior = Array.from({ length: 18 }, () => 0.05 + 0.9 * next());
    const onSurface = [
      0.5, 0.5, 0, 0.5, 0.5, 1, 0, 0.5, 0.5, 1, 0.3, 0.7, 0.5, 0, 0, 0.2, 1, 1, 0.5, 0.5, 0.5,
    ];
    const cloud = [...cube, ...interior, ...onSurface];
    expect(cloud.length).toBe(21 * 3);
    expect(convexHullVolume(cloud)).toBeCloseTo(1, 10);
    expect(convexHullVolume(transform(cloud, 0.3, 0.7, [5, -2, 1]))).toBeCloseTo(0.027, 10);
  });

  it('measures tetrahedra, octahedra and pyramids with coplanar bases', () => {
    const next = random(3);
    for (let trial = 0; trial < 5; trial++) {
      const p = Array.from({ length: 12 }, () => next() * 2 - 1);
      const [a, b, c] = [0, 1, 2].map((k) =>
        [0, 1, 2].map((axis) => p[3 * (k + 1) + axis]! - p[axis]!),
      ) as number[][];
      const det =
        a![0]! * (b![1]! * c![2]! - b![2]! * c![1]!) -
        a![1]! * (b![0]! * c![2]! - b![2]! * c![0]!) +
        a![2]! * (b![0]! * c![1]! - b![1]! * c![0]!);
      // Convex combinations of the vertices lie inside and must not change the volume.
      const inside = Array.from({ length: 10 }, () => {
        const w = [next(), next(), next(), next()];
        const total = w.reduce((x, y) => x + y);
        return [0, 1, 2].map((axis) => w.reduce((sum, wk, k) => sum + (wk / total) * p[3 * k + axis]!, 0));
      }).flat();
      expect(convexHullVolume([...p, ...inside, ...p.slice(0, 3)])).toBeCloseTo(Math.abs(det) / 6, 10);
    }
    const octahedron = [1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1];
    expect(convexHullVolume(octahedron)).toBeCloseTo(4 / 3, 12);
    const pyramid = [0, 0, 0, 2, 0, 0, 2, 3, 0, 0, 3, 0, 1, 1, 0, 0.5, 1.5, 4];
    expect(convexHullVolume(pyramid)).toBeCloseTo((6 * 4) / 3, 12);
  });

  it('gives 0 for degenerate clouds instead of failing', () => {
    expect(convexHullVolume([0, 0, 0, 1, 0, 0, 0, 1, 0])).toBe(0);
    const plane = Array.from({ length: 21 }, (_, i) => [i % 5, Math.floor(i / 5), 0]).flat();
    expect(convexHullVolume(transform(plane, 1.3, 0.4, [1, 2, 3]))).toBe(0);
    expect(convexHullVolume(Array.from({ length: 21 }, (_, i) => [i, 2 * i, -i]).flat())).toBe(0);
    expect(convexHullVolume(new Array(63).fill(0.25))).toBe(0);
  });

  it('rejects malformed input', () => {
    expect(() => convexHullVolume([1, 2])).toThrow(/triples/);
    expect(() => convexHullVolume([...cube.slice(0, 23), Number.NaN])).toThrow(/NaN/);
    expect(() => convexHullVolume(new Array(3 * 129).fill(0))).toThrow(/129 points/);
  });
});

describe('motionMultiplier', () => {
  it('is sqrt(volume ratio): a driving cloud twice the size gives 1 / sqrt(8)', () => {
    const source = transform([...cube, 0.5, 0.5, 0.5], 0.2, 0.3, [0, 0, 0]);
    expect(
      motionMultiplier(
        source,
        source.map((v) => 2 * v),
      ),
    ).toBeCloseTo(1 / Math.sqrt(8), 12);
    expect(() => motionMultiplier(source, new Array(27).fill(0))).toThrow(/pose-friendly/);
  });
});
