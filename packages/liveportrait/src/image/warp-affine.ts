import { invertAffine } from './affine.js';
import { assertOutputSize, assertPixelImage, createPixelImage, type PixelImage } from './pixel-image.js';

/** A rectangle of output pixels, `[x0, x1) × [y0, y1)`. */
export interface PixelRegion {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * Warps an image with an affine matrix, as OpenCV's `warpAffine(src, M, (width, height), INTER_LINEAR,
 * BORDER_CONSTANT, 0)`: each output pixel `(x, y)` takes the bilinear sample of the source at `M⁻¹·(x, y)`,
 * pixel centres at integer coordinates, pixels outside the source counting as 0.
 *
 * `matrix` maps source to output coordinates (2x3 or 3x3 row-major, see {@link Matrix3}).
 *
 * Precision: interpolation runs in float64 and rounds to nearest. OpenCV 4.x quantises the source position
 * to 1/32 pixel and uses 15-bit integer weights; that gives ≤ 1 LSB of difference where the image is
 * smooth and up to about |step|/64 at hard edges (≤ 4 LSB on a 0→255 step). OpenCV 5's float kernels
 * compute what this function computes.
 */
export function warpAffine<T extends PixelImage>(
  image: T,
  matrix: ArrayLike<number>,
  width: number,
  height: number,
): T {
  assertPixelImage('image', image);
  assertOutputSize('warpAffine', width, height);
  const out = createPixelImage<T>(image.channels, width, height);
  warpAffineInto(image, invertAffine('matrix', matrix), out, { x0: 0, y0: 0, x1: width, y1: height });
  return out;
}

/**
 * Writes the bilinear warp of `src` into `region` of `dst`, given the output→source matrix `inverse`.
 * Pixels of `dst` outside the region are left as they are. Images must have been checked by the caller.
 */
export function warpAffineInto(
  src: PixelImage,
  inverse: ArrayLike<number>,
  dst: PixelImage,
  region: PixelRegion,
): void {
  const { width: w, height: h, channels: cn, data: s } = src;
  const d = dst.data;
  const stride = w * cn;
  const [ia, ib, ic, id, ie, iF] = [
    inverse[0]!,
    inverse[1]!,
    inverse[2]!,
    inverse[3]!,
    inverse[4]!,
    inverse[5]!,
  ];
  for (let y = region.y0; y < region.y1; y++) {
    const rowX = ib * y + ic;
    const rowY = ie * y + iF;
    let o = (y * dst.width + region.x0) * cn;
    for (let x = region.x0; x < region.x1; x++, o += cn) {
      const sx = ia * x + rowX;
      const sy = id * x + rowY;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (!(x0 >= -1 && y0 >= -1 && x0 < w && y0 < h)) {
        for (let c = 0; c < cn; c++) d[o + c] = 0;
        continue;
      }
      const fx = sx - x0;
      const fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const p = y0 * stride + x0 * cn;
      if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
        if (cn === 3) {
          // RGB spelled out (the same sums as the loop below): the paste-back of every frame runs here.
          const q = p + stride;
          d[o] = Math.floor(w00 * s[p]! + w01 * s[p + 3]! + w10 * s[q]! + w11 * s[q + 3]! + 0.5);
          d[o + 1] = Math.floor(w00 * s[p + 1]! + w01 * s[p + 4]! + w10 * s[q + 1]! + w11 * s[q + 4]! + 0.5);
          d[o + 2] = Math.floor(w00 * s[p + 2]! + w01 * s[p + 5]! + w10 * s[q + 2]! + w11 * s[q + 5]! + 0.5);
          continue;
        }
        for (let c = 0; c < cn; c++) {
          const q = p + c;
          const v = w00 * s[q]! + w01 * s[q + cn]! + w10 * s[q + stride]! + w11 * s[q + stride + cn]!;
          d[o + c] = Math.floor(v + 0.5);
        }
        continue;
      }
      sampleAtBorder(src, x0, y0, fx, fy, d, o);
    }
  }
}

/** Bilinear sample whose 2x2 neighbourhood leaves the source: outside neighbours count as the constant 0. */
function sampleAtBorder(
  src: PixelImage,
  x0: number,
  y0: number,
  fx: number,
  fy: number,
  d: Uint8Array,
  o: number,
): void {
  const { width: w, height: h, channels: cn, data: s } = src;
  const stride = w * cn;
  const p = y0 * stride + x0 * cn;
  const [left, right, top, bottom] = [x0 >= 0, x0 + 1 < w, y0 >= 0, y0 + 1 < h];
  for (let c = 0; c < cn; c++) {
    const q = p + c;
    let v = 0;
    if (top && left) v += (1 - fx) * (1 - fy) * s[q]!;
    if (top && right) v += fx * (1 - fy) * s[q + cn]!;
    if (bottom && left) v += (1 - fx) * fy * s[q + stride]!;
    if (bottom && right) v += fx * fy * s[q + stride + cn]!;
    d[o + c] = Math.floor(v + 0.5);
  }
}
