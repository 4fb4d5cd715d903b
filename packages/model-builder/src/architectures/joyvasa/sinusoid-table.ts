import { createTensor, type Float32Tensor, InvalidInputError } from '@joyvasa/core';

/**
 * Rows `first .. first + count - 1` of the sinusoidal table of JoyVASA's `PositionalEncoding(dim)`:
 * `T[p, 2i] = sin(p · e^(2i · -ln(10000)/dim))`, `T[p, 2i+1] = cos(…)`. Dims [count, dim].
 *
 * Every intermediate is rounded to float32 as PyTorch's float32 code rounds it, so the rows match the
 * module's buffer (`TE.pe`, `PE.pe`) to the last bit or so; the table's length does not change any row,
 * which is why the time-embedding rows do not depend on the `n_diff_steps` the table was sized with.
 */
export function sinusoidRows(first: number, count: number, dim: number): Float32Tensor {
  if (!Number.isInteger(dim) || dim < 2 || dim % 2 !== 0) {
    throw new InvalidInputError('dim', `${dim} must be an even whole number >= 2`);
  }
  if (!Number.isInteger(first) || first < 0 || !Number.isInteger(count) || count < 0) {
    throw new InvalidInputError('rows', `first ${first} and count ${count} must be whole numbers >= 0`);
  }
  const f = Math.fround;
  const rate = f(-Math.log(10000) / dim);
  const frequencies = Array.from({ length: dim / 2 }, (_, i) => f(Math.exp(f(2 * i * rate))));
  const out = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    const position = first + row;
    for (let i = 0; i < dim / 2; i++) {
      const angle = f(position * frequencies[i]!);
      out[row * dim + 2 * i] = Math.sin(angle);
      out[row * dim + 2 * i + 1] = Math.cos(angle);
    }
  }
  return createTensor('float32', [count, dim], out);
}
