import { createTensor, type Float32Tensor } from '@joyvasa/core';

/**
 * The top left and right singular vectors `u` (rows) and `v` (cols) of `weight` reshaped to [out, -1],
 * by power iteration in float64: what a trained spectral-norm layer's `weight_u` / `weight_v` converge to.
 * Formula bundles use it so their SPADE generator is built exactly like the golden vectors' one.
 */
export function spectralVectors(
  weight: Float32Tensor,
  iterations = 30,
): { u: Float32Tensor; v: Float32Tensor } {
  const rows = weight.dims[0]!;
  const cols = weight.data.length / rows;
  const w = weight.data;
  let v = new Float64Array(cols).fill(1 / Math.sqrt(cols));
  let u = new Float64Array(rows);
  for (let iteration = 0; iteration < iterations; iteration++) {
    u = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += w[r * cols + c]! * v[c]!;
      u[r] = sum;
    }
    normalise(u);
    v = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const ur = u[r]!;
      for (let c = 0; c < cols; c++) v[c]! += w[r * cols + c]! * ur;
    }
    normalise(v);
  }
  return {
    u: createTensor('float32', [rows], Float32Array.from(u)),
    v: createTensor('float32', [cols], Float32Array.from(v)),
  };
}

function normalise(vector: Float64Array): void {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
}
