import type { DType } from '@joyvasa/core';
import { GraphBuilder } from '@joyvasa/model-builder/onnx';

/**
 * The bytes of a one-node ONNX model, `y = Identity(x)` for one element type and rank (free sizes), which the
 * backend runs to copy a tensor between the host and the device through onnxruntime's own copies.
 */
export function identityModel(type: DType, rank: number): Uint8Array {
  const graph = new GraphBuilder('copy');
  const dims = Array.from({ length: rank }, (_, axis) => `d${axis}`);
  // Declaring `x` as the output named `y` adds the Identity node between them.
  graph.output(graph.input('x', type, dims), 'y', type, dims);
  return graph.encode();
}
