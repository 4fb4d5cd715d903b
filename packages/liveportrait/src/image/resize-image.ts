import { InvalidInputError } from '@joyvasa/core';
import { assertOutputSize, assertPixelImage, createPixelImage, type PixelImage } from './pixel-image.js';

/** How {@link resizeImage} interpolates: OpenCV's `INTER_LINEAR` or `INTER_AREA`. */
export type ResizeInterpolation = 'bilinear' | 'area';

/** One output coordinate's source taps along an axis: indices and weights, flattened. */
interface AxisTaps {
  readonly index: Int32Array;
  readonly weight: Float64Array;
  readonly start: Int32Array;
}

/**
 * Resizes an image like OpenCV's `cv2.resize(src, (width, height), interpolation)`.
 *
 * - `'bilinear'` (`INTER_LINEAR`, OpenCV's default): half-pixel centres, source coordinate
 *   `(d + 0.5)·src/dst − 0.5`, edges replicated, no anti-aliasing when shrinking (as OpenCV).
 * - `'area'` (`INTER_AREA`): when shrinking, each output pixel is the mean of the source area it covers,
 *   with fractional coverage at cell edges; exact for integer factors (512 → 256 is the mean of each 2x2
 *   block, rounded half up as OpenCV's SIMD path does). When enlarging, OpenCV's area-upscale weights.
 *
 * Precision: weights in float64, rounded to nearest. OpenCV's `INTER_LINEAR` on 8-bit images uses 11-bit
 * fixed-point weights: results differ by at most 1 LSB.
 */
export function resizeImage<T extends PixelImage>(
  image: T,
  width: number,
  height: number,
  interpolation: ResizeInterpolation = 'bilinear',
): T {
  assertPixelImage('image', image);
  assertOutputSize('resizeImage', width, height);
  if (interpolation !== 'bilinear' && interpolation !== 'area') {
    throw new InvalidInputError(
      'interpolation',
      `expected 'bilinear' or 'area', got ${String(interpolation)}`,
    );
  }
  const area = interpolation === 'area';
  const xTaps = area ? areaTaps(image.width, width) : linearTaps(image.width, width);
  const yTaps = area ? areaTaps(image.height, height) : linearTaps(image.height, height);
  const halfUp = area && image.width === 2 * width && image.height === 2 * height;
  const out = createPixelImage<T>(image.channels, width, height);
  resample(image, out, xTaps, yTaps, halfUp);
  return out;
}

function linearTaps(src: number, dst: number): AxisTaps {
  const index = new Int32Array(dst * 2);
  const weight = new Float64Array(dst * 2);
  const start = new Int32Array(dst + 1);
  const scale = src / dst;
  for (let d = 0; d < dst; d++) {
    const position = (d + 0.5) * scale - 0.5;
    const i0 = Math.floor(position);
    const f = position - i0;
    index[2 * d] = Math.min(Math.max(i0, 0), src - 1);
    index[2 * d + 1] = Math.min(Math.max(i0 + 1, 0), src - 1);
    weight[2 * d] = 1 - f;
    weight[2 * d + 1] = f;
    start[d + 1] = 2 * (d + 1);
  }
  return { index, weight, start };
}

/** OpenCV's area taps: coverage of `[d·scale, (d+1)·scale)` when shrinking, its own linear form when enlarging. */
function areaTaps(src: number, dst: number): AxisTaps {
  const scale = src / dst;
  if (scale < 1) return areaUpscaleTaps(src, dst, scale);
  const indices: number[] = [];
  const weights: number[] = [];
  const start = new Int32Array(dst + 1);
  for (let d = 0; d < dst; d++) {
    const from = d * scale;
    const to = from + scale;
    const cell = Math.min(scale, src - from);
    let first = Math.ceil(from);
    const last = Math.min(Math.floor(to), src - 1);
    first = Math.min(first, last);
    if (first - from > 1e-3) {
      indices.push(first - 1);
      weights.push((first - from) / cell);
    }
    for (let i = first; i < last; i++) {
      indices.push(i);
      weights.push(1 / cell);
    }
    if (to - last > 1e-3) {
      indices.push(last);
      weights.push(Math.min(Math.min(to - last, 1), cell) / cell);
    }
    start[d + 1] = indices.length;
  }
  return { index: Int32Array.from(indices), weight: Float64Array.from(weights), start };
}

function areaUpscaleTaps(src: number, dst: number, scale: number): AxisTaps {
  const taps = linearTaps(src, dst);
  const inverse = dst / src;
  for (let d = 0; d < dst; d++) {
    let i0 = Math.floor(d * scale);
    let f = d + 1 - (i0 + 1) * inverse;
    f = f <= 0 ? 0 : f - Math.floor(f);
    if (i0 >= src - 1) {
      i0 = src - 1;
      f = 0;
    }
    taps.index[2 * d] = i0;
    taps.index[2 * d + 1] = Math.min(i0 + 1, src - 1);
    taps.weight[2 * d] = 1 - f;
    taps.weight[2 * d + 1] = f;
  }
  return taps;
}

/**
 * Separable resampling. Output rows are built from horizontally resampled source rows, kept in a small
 * cache so that each is computed about once; memory stays at a few rows, not a whole intermediate image.
 */
function resample(src: PixelImage, dst: PixelImage, xTaps: AxisTaps, yTaps: AxisTaps, halfUp: boolean): void {
  const cn = src.channels;
  const rowLength = dst.width * cn;
  let maxTaps = 0;
  for (let y = 0; y < dst.height; y++) maxTaps = Math.max(maxTaps, yTaps.start[y + 1]! - yTaps.start[y]!);
  const slots = maxTaps + 1;
  const cache = new Float64Array(slots * rowLength);
  const cached = new Int32Array(slots).fill(-1);
  const column = new Float64Array(rowLength);
  const d = dst.data;
  for (let y = 0; y < dst.height; y++) {
    column.fill(0);
    for (let k = yTaps.start[y]!; k < yTaps.start[y + 1]!; k++) {
      const sourceRow = yTaps.index[k]!;
      const slot = sourceRow % slots;
      const offset = slot * rowLength;
      if (cached[slot] !== sourceRow) {
        resampleRow(src, sourceRow, xTaps, cache, offset, dst.width);
        cached[slot] = sourceRow;
      }
      const wt = yTaps.weight[k]!;
      for (let i = 0; i < rowLength; i++) column[i]! += wt * cache[offset + i]!;
    }
    const o = y * rowLength;
    for (let i = 0; i < rowLength; i++) d[o + i] = roundPixel(column[i]!, halfUp);
  }
}

function resampleRow(
  src: PixelImage,
  row: number,
  xTaps: AxisTaps,
  into: Float64Array,
  offset: number,
  width: number,
): void {
  const cn = src.channels;
  const s = src.data;
  const srcRow = row * src.width * cn;
  into.fill(0, offset, offset + width * cn);
  for (let x = 0; x < width; x++) {
    const o = offset + x * cn;
    for (let k = xTaps.start[x]!; k < xTaps.start[x + 1]!; k++) {
      const p = srcRow + xTaps.index[k]! * cn;
      const wt = xTaps.weight[k]!;
      for (let c = 0; c < cn; c++) into[o + c]! += wt * s[p + c]!;
    }
  }
}

/**
 * Rounds to the nearest integer in [0, 255]. A 2x2 mean is k/4 exactly and rounds half up, as OpenCV's
 * SIMD path does; other ties are rare and round half to even, as OpenCV's `saturate_cast` does.
 */
function roundPixel(value: number, halfUp: boolean): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  let rounded = floor + (fraction > 0.5 ? 1 : 0);
  if (fraction === 0.5) rounded = halfUp || floor % 2 === 1 ? floor + 1 : floor;
  return rounded < 0 ? 0 : Math.min(rounded, 255);
}
