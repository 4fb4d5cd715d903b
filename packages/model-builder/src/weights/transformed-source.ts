import { createTensor, type Float32Tensor, tensorSize } from '@joyvasa/core';
import type { WeightSource } from './weight-source.js';

/**
 * Weight rewrites behind equivalent graph variants (kernels chosen by timing): the graph asks for a tensor
 * in its own layout and these views derive it from the official one, so every variant reads the same
 * checkpoint.
 */

/** Derives one key's tensor in the `shape` the graph asks for from the `source`. */
export type WeightRewrite = (source: WeightSource, shape: readonly number[]) => Float32Tensor;

/** A view of `source` in which the keys of `rewrites` are derived by their rewrite; other keys pass through. */
export function rewrittenSource(
  source: WeightSource,
  rewrites: ReadonlyMap<string, WeightRewrite>,
): WeightSource {
  return {
    get: (key, shape) => rewrites.get(key)?.(source, shape) ?? source.get(key, shape),
    shapeOf: (key) => source.shapeOf(key),
    keys: () => source.keys(),
    ...(source.synthetic ? { synthetic: true } : {}),
  };
}

/**
 * `tensor` zero-padded to `dims` (each at least the tensor's own), the values at the start of every axis.
 * Padded convolution channels with zero weights, biases and BatchNorm parameters compute exact zeros.
 */
export function zeroPadTensor(tensor: Float32Tensor, dims: readonly number[]): Float32Tensor {
  if (dims.length !== tensor.dims.length || dims.some((dim, i) => dim < tensor.dims[i]!)) {
    throw new Error(`cannot pad [${tensor.dims.join(', ')}] to [${dims.join(', ')}]`);
  }
  const out = new Float32Array(tensorSize(dims));
  // Copy the innermost axis as runs: walk every index of the leading axes of the source.
  const rank = dims.length;
  const run = tensor.dims[rank - 1] ?? 1;
  const rows = tensor.data.length / Math.max(run, 1);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let row = 0; row < rows; row++) {
    let target = 0;
    for (let axis = 0; axis < rank - 1; axis++) target = target * dims[axis]! + index[axis]!;
    target *= dims[rank - 1] ?? 1;
    out.set(tensor.data.subarray(row * run, row * run + run), target);
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis]! < tensor.dims[axis]!) break;
      index[axis] = 0;
    }
  }
  return createTensor('float32', dims, out);
}

/**
 * `tensor` with the slices `offset + i` of axis 1 (a convolution's input channels) taken from
 * `offset + order[i]`: the weight that reads the same values from reordered input channels.
 */
export function reorderInputChannels(
  tensor: Float32Tensor,
  offset: number,
  order: readonly number[],
): Float32Tensor {
  const [outer, channels] = tensor.dims as [number, number];
  const inner = tensor.data.length / (outer * channels);
  const out = Float32Array.from(tensor.data);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < order.length; i++) {
      const from = (o * channels + offset + order[i]!) * inner;
      out.set(tensor.data.subarray(from, from + inner), (o * channels + offset + i) * inner);
    }
  }
  return createTensor('float32', tensor.dims, out);
}

/** `tensor + value`, element by element. */
export function offsetTensor(tensor: Float32Tensor, value: number): Float32Tensor {
  return createTensor(
    'float32',
    tensor.dims,
    tensor.data.map((x) => x + value),
  );
}
