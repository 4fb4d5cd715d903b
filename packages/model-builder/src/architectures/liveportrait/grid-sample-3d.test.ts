// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { formulaInput } from '../../synthetic/formula.js';
import { makeCoordinateGrid } from './coordinate-grid.js';
import { gridSample3d } from './grid-sample-3d.js';

const volumeShape = [3, 4, 5, 6] as const;

async function sampleBoth(volume: TensorLike, grid: TensorLike): Promise<Record<string, TensorLike>> {
  const [outDepth, outHeight, outWidth] = grid.dims.slice(1, 4) as [number, number, number];
  const g = new GraphBuilder('grid_sample_pair');
  const v = g.input('volume', 'float32', volume.dims);
  const points = g.input('grid', 'float32', grid.dims);
  const shape = { volume: volumeShape, grid: [outDepth, outHeight, outWidth] } as const;
  const dims = [1, volumeShape[0], outDepth, outHeight, outWidth];
  g.output(gridSample3d(g, v, points, shape, 'native'), 'native', 'float32', dims);
  g.output(gridSample3d(g, v, points, shape, 'gather'), 'gather', 'float32', dims);
  const session = await createOnnxNodeBackend().createSession(g.encode(), { device: 'cpu' });
  try {
    return await session.run({ volume, grid });
  } finally {
    await session.dispose();
  }
}

function maxAbsDiff(a: TensorLike, b: TensorLike): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  }
  return worst;
}

describe('gridSample3d', () => {
  const volume = formulaInput('test', 'volume', [1, ...volumeShape]);

  it('gives the same samples with Gather ops as ONNX GridSample, inside and outside the volume', async () => {
    // Points in [-1.4, 1.4]³: some fall partly or wholly outside, where zero padding applies.
    const grid = formulaInput('test', 'grid', [1, 3, 7, 5, 3], -1.4, 1.4);
    const { native, gather } = await sampleBoth(volume, grid);
    expect(gather!.dims).toEqual([1, 3, 3, 7, 5]);
    expect(maxAbsDiff(native!, gather!)).toBeLessThan(1e-6);
    expect(Math.max(...Array.from(native!.data as Float32Array, Math.abs))).toBeGreaterThan(0.1);
  });

  it('returns the voxel itself at voxel centres (align_corners=False) and zero far outside', async () => {
    const [, depth, height, width] = volumeShape;
    const centre = (i: number, n: number) => (2 * i + 1) / n - 1;
    const points: number[] = [];
    for (let z = 0; z < depth; z++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++) points.push(centre(x, width), centre(y, height), centre(z, depth));
    const centres = createTensor('float32', [1, depth, height, width, 3], Float32Array.from(points));
    const { gather } = await sampleBoth(volume, centres);
    expect(maxAbsDiff(gather!, volume)).toBeLessThan(1e-6);

    const outside = createTensor('float32', [1, 1, 1, 2, 3], Float32Array.from([3, 0, 0, 0, -1.5, 0]));
    const far = await sampleBoth(volume, outside);
    expect(Array.from(far.gather!.data as Float32Array, Math.abs)).toEqual(new Array(6).fill(0));
  });
});

describe('makeCoordinateGrid', () => {
  it('lists (x, y, z) for voxel (z, y, x), each axis spanning [-1, 1]', () => {
    const grid = makeCoordinateGrid(3, 4, 5);
    expect(grid.dims).toEqual([3, 4, 5, 3]);
    const at = (z: number, y: number, x: number) =>
      Array.from(grid.data.slice(((z * 4 + y) * 5 + x) * 3, ((z * 4 + y) * 5 + x) * 3 + 3));
    expect(at(0, 0, 0)).toEqual([-1, -1, -1]);
    expect(at(2, 3, 4)).toEqual([1, 1, 1]);
    expect(at(1, 0, 4)).toEqual([1, -1, 0]);
    expect(at(0, 1, 2)[1]).toBeCloseTo(2 / 3 - 1, 7);
    expect(at(0, 1, 2)[0]).toBe(0);
  });
});
