import type { GraphBuilder } from '../../onnx/graph-builder.js';

/**
 * How a 5-D `grid_sample` is expressed: `'native'` is ONNX GridSample (opset 20, 5-D), which ORT runs on
 * CPU (and CUDA in recent releases) but no WebGPU EP does; `'gather'` is the exact trilinear decomposition
 * into Gather and elementwise ops, which runs entirely on ORT's native WebGPU EP.
 */
export type GridSampleMode = 'native' | 'gather';

/** Static shapes of a {@link gridSample3d} call. */
export interface GridSample3dShape {
  /** The sampled volume: [C, D, H, W] of a [1, C, D, H, W] value. */
  readonly volume: readonly [number, number, number, number];
  /** The sampling grid: [Do, Ho, Wo] of a [1, Do, Ho, Wo, 3] value. */
  readonly grid: readonly [number, number, number];
}

/**
 * `F.grid_sample(volume, grid, mode='bilinear', padding_mode='zeros', align_corners=False)` on a 5-D
 * volume: trilinear interpolation at normalised points (x, y, z) ∈ [−1, 1]³ (x along W, z along D).
 * [1, C, D, H, W] × [1, Do, Ho, Wo, 3] → [1, C, Do, Ho, Wo].
 */
export function gridSample3d(
  g: GraphBuilder,
  volume: string,
  grid: string,
  shape: GridSample3dShape,
  mode: GridSampleMode,
): string {
  if (mode === 'native') {
    return g.op('GridSample', [volume, grid], { align_corners: 0, mode: 'linear', padding_mode: 'zeros' });
  }
  return g.scope('grid_sample_gather', () => gatherTrilinear(g, volume, grid, shape));
}

/** Splits a value whose `axis` has size 3 into its x, y and z parts. */
function splitAxes(g: GraphBuilder, x: string, axis: number): string[] {
  return g.opN('Split', [x, g.int64([1, 1, 1])], 3, { axis });
}

/**
 * Per-axis corner data of every point: clamped flat-index offsets [P, 1] and weights [P, 1, 1] with the
 * zero-padding mask folded in (a corner outside the volume weighs 0), for the low and the high corner.
 */
function cornerTerms(g: GraphBuilder, points: string, shape: GridSample3dShape) {
  const [, depth, height, width] = shape.volume;
  const one = g.float(1);
  // align_corners=False: i = ((g + 1) · size − 1) / 2, per axis in (x, y, z) order.
  const position = g.div(g.sub(g.mul(g.add(points, one), g.float([width, height, depth])), one), g.float(2));
  const low = g.op('Floor', [position]);
  const high = g.add(low, one);
  const highWeight = g.sub(position, low);
  // i − floor(i) is exact, so 1 − it rounds the same real number as PyTorch's (floor(i) + 1) − i.
  const lowWeight = g.sub(one, highWeight);
  const maxIndex = g.float([width - 1, height - 1, depth - 1]);
  const strides = g.float([1, width, width * height]);
  const zero = g.float(0);
  return [
    [low, lowWeight],
    [high, highWeight],
  ].map(([corner, weight]) => {
    const clamped = g.op('Min', [g.op('Max', [corner!, zero]), maxIndex]);
    const masked = g.op('Where', [g.op('Equal', [clamped, corner!]), weight!, zero]);
    return {
      offsets: splitAxes(g, g.mul(clamped, strides), 1),
      weights: splitAxes(g, g.unsqueeze(masked, [1]), 2),
    };
  });
}

/**
 * Trilinear sampling as in the spec's §5.3: the volume as a [D·H·W, C] table, 8 corner Gathers with
 * int32 flat indices `(z·H + y)·W + x`, each weighted by `wx·wy·wz`. All 22 dense-motion volumes are the
 * same, so the caller passes one volume and a grid holding all their points.
 */
function gatherTrilinear(g: GraphBuilder, volume: string, grid: string, shape: GridSample3dShape): string {
  const [channels, depth, height, width] = shape.volume;
  const [outDepth, outHeight, outWidth] = shape.grid;
  const count = outDepth * outHeight * outWidth;
  const table = g.transpose(g.reshape(volume, [channels, depth * height * width]), [1, 0]);
  const corners = cornerTerms(g, g.reshape(grid, [count, 3]), shape);
  let sum: string | undefined;
  for (const z of corners) {
    for (const y of corners) {
      const offsetZy = g.add(z.offsets[2]!, y.offsets[1]!);
      const weightZy = g.mul(z.weights[2]!, y.weights[1]!);
      for (const x of corners) {
        // int32 (ONNX type 6) indices: WGSL has no 64-bit integers, and the probed decomposition used int32.
        const index = g.op('Cast', [g.add(offsetZy, x.offsets[0]!)], { to: 6 });
        const sample = g.op('Gather', [table, index], { axis: 0 });
        const term = g.mul(sample, g.mul(weightZy, x.weights[0]!));
        sum = sum ? g.add(sum, term) : term;
      }
    }
  }
  const sampled = g.transpose(g.reshape(sum!, [count, channels]), [1, 0]);
  return g.reshape(sampled, [1, channels, outDepth, outHeight, outWidth]);
}
