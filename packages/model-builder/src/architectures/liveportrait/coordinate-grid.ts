import { createTensor, type Float32Tensor } from '@joyvasa/core';

/**
 * LivePortrait's `make_coordinate_grid((d, h, w))`: for voxel (z, y, x) the normalised point
 * `(2x/(w−1) − 1, 2y/(h−1) − 1, 2z/(d−1) − 1)` in **(x, y, z) order**, the space keypoints live in.
 * Returns a [d, h, w, 3] tensor, computed in float32 as PyTorch does (`2 * (i / (n − 1)) − 1`).
 */
export function makeCoordinateGrid(depth: number, height: number, width: number): Float32Tensor {
  const axis = (size: number) =>
    Float32Array.from({ length: size }, (_, i) => {
      const ratio = Math.fround(i / (size - 1));
      return Math.fround(Math.fround(2 * ratio) - 1);
    });
  const [xs, ys, zs] = [axis(width), axis(height), axis(depth)];
  const data = new Float32Array(depth * height * width * 3);
  let offset = 0;
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[offset++] = xs[x]!;
        data[offset++] = ys[y]!;
        data[offset++] = zs[z]!;
      }
    }
  }
  return createTensor('float32', [depth, height, width, 3], data);
}
