import { InvalidInputError } from '@joyvasa/core';

/** The most points {@link convexHullVolume} accepts: its cost grows with the fourth power of the count. */
export const convexHullMaxPoints = 128;

/**
 * Volume of the 3-D convex hull of points stored flat `[x0, y0, z0, x1, …]` (scipy's
 * `ConvexHull(points).volume`, which the official `calc_motion_multiplier` uses on the 21 keypoints).
 *
 * Exhaustive and robust rather than incremental: every plane through three points that leaves all other
 * points on one side (within 1e-9 of the cloud's size) is a face; the points lying in it form a convex
 * polygon whose area, times its distance to the centroid over 3, is that face's pyramid. Faces with more
 * than three points (a cube's squares) are counted once. Degenerate clouds (fewer than 4 points,
 * collinear or coplanar, all equal) have volume 0, where scipy would raise. At most
 * {@link convexHullMaxPoints} points.
 */
export function convexHullVolume(points: ArrayLike<number>): number {
  if (points.length % 3 !== 0)
    throw new InvalidInputError('points', `expected (x, y, z) triples, got ${points.length} values`);
  const n = points.length / 3;
  if (n > convexHullMaxPoints) {
    throw new InvalidInputError(
      'points',
      `${n} points exceed the ${convexHullMaxPoints} this exhaustive hull handles`,
    );
  }
  const p = Float64Array.from(points as ArrayLike<number>);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i]!)) throw new InvalidInputError('points', `value ${i} is ${p[i]}`);
  }
  if (n < 4) return 0;
  const centroid = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) centroid[a]! += p[3 * i + a]! / n;
  let radius = 0;
  for (let i = 0; i < n; i++) {
    radius = Math.max(
      radius,
      Math.hypot(p[3 * i]! - centroid[0]!, p[3 * i + 1]! - centroid[1]!, p[3 * i + 2]! - centroid[2]!),
    );
  }
  if (radius === 0) return 0;
  const eps = 1e-9 * radius;
  const seen = new Set<string>();
  let volume = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        const face = supportingFace(p, n, i, j, k, eps, radius);
        if (face === 'coplanar') return 0;
        if (face === null) continue;
        const key = face.members.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        const height = Math.abs(dot(face.normal, centroid) - face.offset);
        volume += (polygonArea(p, face.members, face.normal) * height) / 3;
      }
    }
  }
  return volume;
}

interface Face {
  readonly normal: readonly [number, number, number];
  readonly offset: number;
  readonly members: readonly number[];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/** The face through points i, j, k if every point lies on one side of it; 'coplanar' if all lie in it. */
function supportingFace(
  p: Float64Array,
  n: number,
  i: number,
  j: number,
  k: number,
  eps: number,
  radius: number,
): Face | 'coplanar' | null {
  const u = [p[3 * j]! - p[3 * i]!, p[3 * j + 1]! - p[3 * i + 1]!, p[3 * j + 2]! - p[3 * i + 2]!];
  const v = [p[3 * k]! - p[3 * i]!, p[3 * k + 1]! - p[3 * i + 1]!, p[3 * k + 2]! - p[3 * i + 2]!];
  const cross = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
  const length = Math.hypot(cross[0]!, cross[1]!, cross[2]!);
  if (length <= 1e-12 * radius * radius) return null;
  const normal: [number, number, number] = [cross[0]! / length, cross[1]! / length, cross[2]! / length];
  const offset = dot(normal, p.subarray(3 * i, 3 * i + 3));
  let above = false;
  let below = false;
  const members: number[] = [];
  for (let m = 0; m < n; m++) {
    const distance = dot(normal, p.subarray(3 * m, 3 * m + 3)) - offset;
    if (distance > eps) above = true;
    else if (distance < -eps) below = true;
    else members.push(m);
    if (above && below) return null;
  }
  return above || below ? { normal, offset, members } : 'coplanar';
}

/** Area of the convex hull of coplanar points, in the plane with this unit normal (monotone chain). */
function polygonArea(
  p: Float64Array,
  members: readonly number[],
  normal: readonly [number, number, number],
): number {
  // An in-plane basis: e1 along the normal's least-aligned axis crossed with it, e2 = normal × e1.
  const axis = Math.abs(normal[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const e1 = [
    axis[1]! * normal[2] - axis[2]! * normal[1],
    axis[2]! * normal[0] - axis[0]! * normal[2],
    axis[0]! * normal[1] - axis[1]! * normal[0],
  ];
  const l1 = Math.hypot(e1[0]!, e1[1]!, e1[2]!);
  for (let a = 0; a < 3; a++) e1[a]! /= l1;
  const e2 = [
    normal[1] * e1[2]! - normal[2] * e1[1]!,
    normal[2] * e1[0]! - normal[0] * e1[2]!,
    normal[0] * e1[1]! - normal[1] * e1[0]!,
  ];
  const flat = members
    .map((m) => {
      const q = p.subarray(3 * m, 3 * m + 3);
      return [dot(q, e1), dot(q, e2)] as const;
    })
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const turn = (o: readonly number[], a: readonly number[], b: readonly number[]) =>
    (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
  const hull: (readonly [number, number])[] = [];
  for (const pass of [flat, [...flat].reverse()]) {
    const start = hull.length;
    for (const q of pass) {
      while (hull.length >= start + 2 && turn(hull[hull.length - 2]!, hull[hull.length - 1]!, q) <= 0)
        hull.pop();
      hull.push(q);
    }
    hull.pop();
  }
  let twice = 0;
  for (let a = 0; a < hull.length; a++) {
    const [x0, y0] = hull[a]!;
    const [x1, y1] = hull[(a + 1) % hull.length]!;
    twice += x0 * y1 - x1 * y0;
  }
  return Math.abs(twice) / 2;
}

/**
 * The expression-friendly motion multiplier (`calc_motion_multiplier`):
 * `sqrt(hullVolume(x_s)) / sqrt(hullVolume(x_d0))` for the source keypoints and the first driving frame's.
 * Throws {@link InvalidInputError} if the driving keypoints are degenerate (zero volume), where the official
 * code would fail in scipy.
 */
export function motionMultiplier(source: ArrayLike<number>, firstDriving: ArrayLike<number>): number {
  const drivingVolume = convexHullVolume(firstDriving);
  if (!(drivingVolume > 0)) {
    throw new InvalidInputError(
      'driving keypoints',
      "the first frame's keypoints are flat (zero hull volume); use drivingOption 'pose-friendly'",
    );
  }
  return Math.sqrt(convexHullVolume(source)) / Math.sqrt(drivingVolume);
}
