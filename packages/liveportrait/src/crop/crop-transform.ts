import { InvalidInputError } from '@joyvasa/core';
import { invertAffine, type Matrix3 } from '../image/affine.js';
import { landmarkAnchors } from './landmark-anchors.js';

/** Options of {@link estimateCropTransform}. Defaults are the source crop's (`CropConfig`). */
export interface CropOptions {
  /** Side of the square crop, pixels. Default 512. */
  readonly dsize?: number;
  /** Crop side over the landmarks' (rotated, squared) extent. Default 2.3. */
  readonly scale?: number;
  /** Shift of the centre along the face's down axis, in crop sides; negative moves up. Default −0.125. */
  readonly vyRatio?: number;
  /** Align the crop with the eye→mouth axis (`flag_do_rot`). Default true. */
  readonly rotate?: boolean;
}

/** The 106-point-to-203-point landmark crop of `human_landmark_runner`: 224 px, scale 1.5, vy −0.1. */
export const landmarkCropOptions: Required<CropOptions> = {
  dsize: 224,
  scale: 1.5,
  vyRatio: -0.1,
  rotate: true,
};

/** A similarity crop: where it sits in the original image and the matrices both ways. */
export interface CropTransform {
  /** Original → crop (3x3 row-major): `M_o2c`. */
  readonly mO2c: Matrix3;
  /** Crop → original (3x3 row-major): `M_c2o`. */
  readonly mC2o: Matrix3;
  /** Crop centre in the original image, pixels. */
  readonly center: readonly [number, number];
  /** Side of the cropped square in the original image, pixels. */
  readonly size: number;
  /** Rotation of the crop's x axis in the image, radians, clockwise positive (image y points down). */
  readonly angle: number;
  /** Side of the crop, pixels. */
  readonly dsize: number;
}

function resolveOptions(options: CropOptions): Required<CropOptions> {
  const resolved = { dsize: 512, scale: 2.3, vyRatio: -0.125, rotate: true, ...options };
  if (!Number.isInteger(resolved.dsize) || resolved.dsize <= 0 || resolved.dsize > 8192) {
    throw new InvalidInputError('options.dsize', `expected a whole number in 1..8192, got ${resolved.dsize}`);
  }
  if (!(resolved.scale > 0) || !Number.isFinite(resolved.scale)) {
    throw new InvalidInputError('options.scale', `expected a positive number, got ${resolved.scale}`);
  }
  if (!Number.isFinite(resolved.vyRatio)) {
    throw new InvalidInputError('options.vyRatio', `expected a finite number, got ${resolved.vyRatio}`);
  }
  return resolved;
}

/**
 * The official similarity crop from landmarks (`crop_image` → `_estimate_similar_transform_from_pts` →
 * `parse_rect_from_landmark`):
 * 1. `uy` = unit vector from the eye centre to the mouth centre (`(0, 1)` if shorter than 1e-3 px),
 *    `ux = (uy.y, −uy.x)`, `angle = acos(ux.x)` negated when `ux.y < 0`;
 * 2. rotate all points into (ux, uy) around their mean, take the bounding box, its centre and its longer
 *    side times `scale` as the crop side;
 * 3. shift the centre by `vyRatio · side` along `uy` (the official `vx_ratio` is never forwarded: 0);
 * 4. `M_o2c` maps the centre to `(dsize/2, dsize/2)` with scale `dsize/side`, rotated by `−angle` unless
 *    `rotate` is false.
 *
 * `points` is flat `[x0, y0, …]` in one of the layouts of {@link landmarkAnchors}. The official code runs in
 * float32; this runs in float64, so matrices agree to about 1e-6 relative.
 */
export function estimateCropTransform(points: ArrayLike<number>, options: CropOptions = {}): CropTransform {
  const { dsize, scale, vyRatio, rotate } = resolveOptions(options);
  const { eye, lip } = landmarkAnchors(points);
  let uyX = lip[0] - eye[0];
  let uyY = lip[1] - eye[1];
  const length = Math.hypot(uyX, uyY);
  [uyX, uyY] = length <= 1e-3 ? [0, 1] : [uyX / length, uyY / length];
  const uxX = uyY;
  const uxY = -uyX;
  let angle = Math.acos(Math.min(1, Math.max(-1, uxX)));
  if (uxY < 0) angle = -angle;

  const count = points.length / 2;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < count; i++) {
    meanX += points[2 * i]!;
    meanY += points[2 * i + 1]!;
  }
  meanX /= count;
  meanY /= count;
  let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < count; i++) {
    const dx = points[2 * i]! - meanX;
    const dy = points[2 * i + 1]! - meanY;
    const u = dx * uxX + dy * uxY;
    const v = dx * uyX + dy * uyY;
    [minU, maxU, minV, maxV] = [Math.min(minU, u), Math.max(maxU, u), Math.min(minV, v), Math.max(maxV, v)];
  }
  const size = Math.max(maxU - minU, maxV - minV) * scale;
  if (!(size > 0)) {
    throw new InvalidInputError('landmarks', 'all points coincide, so they span no face to crop');
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2 + vyRatio * size;
  const center: [number, number] = [meanX + uxX * cu + uyX * cv, meanY + uxY * cu + uyY * cv];
  return cropTransformFromRect(center, size, rotate ? angle : 0, dsize);
}

/**
 * The crop matrices of a square of side `size` centred at `center`, rotated by `angle` (radians), mapped
 * onto a `dsize` square: `M_o2c = [[s cos a, s sin a, d/2 − s(cos a·cx + sin a·cy)],
 * [−s sin a, s cos a, d/2 − s(−sin a·cx + cos a·cy)]]` with `s = dsize/size`, and `M_c2o` its inverse.
 */
export function cropTransformFromRect(
  center: readonly [number, number],
  size: number,
  angle: number,
  dsize: number,
): CropTransform {
  if (!Number.isFinite(center[0]) || !Number.isFinite(center[1]) || !(size > 0) || !Number.isFinite(size)) {
    throw new InvalidInputError(
      'crop',
      `centre (${center[0]}, ${center[1]}) and size ${size} must be finite, size > 0`,
    );
  }
  const s = dsize / size;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const [cx, cy] = center;
  const half = dsize / 2;
  const mO2c = Float64Array.of(
    s * cos,
    s * sin,
    half - s * (cos * cx + sin * cy),
    -s * sin,
    s * cos,
    half - s * (-sin * cx + cos * cy),
    0,
    0,
    1,
  );
  return { mO2c, mC2o: invertAffine('crop', mO2c), center: [cx, cy], size, angle, dsize };
}
