import { InvalidInputError } from '@joyvasa/core';

/**
 * A 2-D affine transform as a row-major 3x3 matrix `[a, b, c, d, e, f, 0, 0, 1]`, mapping a point
 * `(x, y)` to `(a·x + b·y + c, d·x + e·y + f)`. Pixel centres sit at integer coordinates (OpenCV's convention).
 */
export type Matrix3 = Float64Array;

/**
 * Reads a 2x3 (6 values) or 3x3 (9 values) row-major affine matrix into a {@link Matrix3}.
 * Throws {@link InvalidInputError} for another length, non-finite values or a 3x3 whose last row is not `0 0 1`.
 */
export function toMatrix3(what: string, matrix: ArrayLike<number>): Matrix3 {
  if (matrix.length !== 6 && matrix.length !== 9) {
    throw new InvalidInputError(
      what,
      `expected a 2x3 or 3x3 affine matrix (6 or 9 values), got ${matrix.length}`,
    );
  }
  const m = new Float64Array(9);
  for (let i = 0; i < 6; i++) m[i] = matrix[i]!;
  m[8] = 1;
  if (matrix.length === 9) {
    const [g, h, k] = [matrix[6]!, matrix[7]!, matrix[8]!];
    if (Math.abs(g) > 1e-9 || Math.abs(h) > 1e-9 || Math.abs(k - 1) > 1e-9) {
      throw new InvalidInputError(
        what,
        `the last row must be [0, 0, 1] for an affine matrix, got [${g}, ${h}, ${k}]`,
      );
    }
  }
  for (let i = 0; i < 9; i++) {
    if (!Number.isFinite(m[i]!)) throw new InvalidInputError(what, `element ${i} is ${m[i]}`);
  }
  return m;
}

/** The inverse of an affine matrix. Throws {@link InvalidInputError} if it is singular. */
export function invertAffine(what: string, matrix: ArrayLike<number>): Matrix3 {
  const [a, b, c, d, e, f] = toMatrix3(what, matrix);
  const det = a! * e! - b! * d!;
  const scale = Math.max(Math.abs(a!), Math.abs(b!), Math.abs(d!), Math.abs(e!));
  if (!(Math.abs(det) > 1e-12 * scale * scale) || !Number.isFinite(1 / det)) {
    throw new InvalidInputError(
      what,
      'the affine matrix is singular (it maps the plane onto a line or a point)',
    );
  }
  const ia = e! / det;
  const ib = -b! / det;
  const id = -d! / det;
  const ie = a! / det;
  return Float64Array.of(ia, ib, -(ia * c! + ib * f!), id, ie, -(id * c! + ie * f!), 0, 0, 1);
}

/** The product `left · right` of two affine matrices (apply `right` first). */
export function multiplyAffine(left: ArrayLike<number>, right: ArrayLike<number>): Matrix3 {
  const l = toMatrix3('left', left);
  const r = toMatrix3('right', right);
  const out = new Float64Array(9);
  for (let row = 0; row < 2; row++) {
    for (let col = 0; col < 3; col++) {
      let sum = col === 2 ? l[row * 3 + 2]! : 0;
      for (let k = 0; k < 2; k++) sum += l[row * 3 + k]! * r[k * 3 + col]!;
      out[row * 3 + col] = sum;
    }
  }
  out[8] = 1;
  return out;
}

/**
 * Applies an affine matrix to points stored flat as `[x0, y0, x1, y1, …]` (OpenCV's `transform` on
 * row points, LivePortrait's `_transform_pts`). Returns a new Float32Array unless `out` is given.
 */
export function transformPoints(
  points: ArrayLike<number>,
  matrix: ArrayLike<number>,
  out: Float32Array = new Float32Array(points.length),
): Float32Array {
  if (points.length % 2 !== 0) {
    throw new InvalidInputError('points', `expected (x, y) pairs, got ${points.length} values`);
  }
  if (out.length !== points.length) {
    throw new InvalidInputError('out', `expected ${points.length} values, got ${out.length}`);
  }
  const [a, b, c, d, e, f] = toMatrix3('matrix', matrix);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    out[i] = a! * x + b! * y + c!;
    out[i + 1] = d! * x + e! * y + f!;
  }
  return out;
}
