import { createTensor, type Float32Tensor } from '@joyvasa/core';

/**
 * The effective weight of a spectrally normalised layer in eval mode: `weight_orig / σ` with
 * `σ = u · (W v)`, W being `weight_orig` reshaped to [out, -1]. No power iteration, as PyTorch in eval.
 */
export function spectralNormWeight(
  weightOrig: Float32Tensor,
  u: Float32Tensor,
  v: Float32Tensor,
): Float32Tensor {
  const rows = weightOrig.dims[0]!;
  const cols = weightOrig.data.length / rows;
  if (u.data.length !== rows || v.data.length !== cols) {
    throw new Error(
      `spectral norm vectors of ${u.data.length} and ${v.data.length} do not fit [${rows}, ${cols}]`,
    );
  }
  let sigma = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += weightOrig.data[r * cols + c]! * v.data[c]!;
    sigma += u.data[r]! * dot;
  }
  const out = new Float32Array(weightOrig.data.length);
  for (let i = 0; i < out.length; i++) out[i] = weightOrig.data[i]! / sigma;
  return createTensor('float32', weightOrig.dims, out);
}

/**
 * The effective weight of `weight_norm(..., dim)`: `g · v / ‖v‖`, the norm taken over every axis but `dim`
 * (HuBERT's positional convolution uses dim 2: g has shape [1, 1, K]).
 */
export function weightNormWeight(g: Float32Tensor, v: Float32Tensor, dim: number): Float32Tensor {
  const dims = v.dims;
  const size = dims[dim]!;
  const inner = dims.slice(dim + 1).reduce((a, b) => a * b, 1);
  const norms = new Float64Array(size);
  for (let i = 0; i < v.data.length; i++) {
    const index = Math.floor(i / inner) % size;
    norms[index]! += v.data[i]! * v.data[i]!;
  }
  if (g.data.length !== size) throw new Error(`weight_g has ${g.data.length} values, ${size} expected`);
  const out = new Float32Array(v.data.length);
  for (let i = 0; i < v.data.length; i++) {
    const index = Math.floor(i / inner) % size;
    out[i] = (g.data[index]! * v.data[i]!) / Math.sqrt(norms[index]!);
  }
  return createTensor('float32', dims, out);
}
