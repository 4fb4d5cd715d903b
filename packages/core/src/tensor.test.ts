import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.js';
import {
  assertFinite,
  assertTensor,
  concatFirstAxis,
  createTensor,
  float32Tensor,
  isTensorLike,
  tensorSize,
} from './tensor.js';

describe('tensors', () => {
  it('check that the data fills the dimensions', () => {
    expect(tensorSize([2, 3, 4])).toBe(24);
    expect(tensorSize([])).toBe(1);
    expect(createTensor('float32', [2, 2], new Float32Array(4)).dims).toEqual([2, 2]);
    expect(() => createTensor('float32', [2, 3], new Float32Array(5))).toThrow(/5 elements do not fill/);
    expect(() => createTensor('float32', [2, -1], new Float32Array(2))).toThrow(InvalidInputError);
  });

  it('recognise plain and runtime tensors by shape, not class', () => {
    expect(isTensorLike(float32Tensor([1], [1]))).toBe(true);
    expect(isTensorLike({ type: 'float32', dims: [1], data: [1] })).toBe(true);
    expect(isTensorLike({ type: 'complex', dims: [1], data: new Float32Array(1) })).toBe(false);
    expect(isTensorLike(null)).toBe(false);
  });

  it('match dimension patterns and bind named dimensions', () => {
    const a = float32Tensor([2, 100, 70], new Float32Array(14000));
    const bound = assertTensor('x_t', a, 'float32', ['batch', 100, null]);
    expect(bound).toEqual({ batch: 2 });
    const b = float32Tensor([3, 25, 70], new Float32Array(5250));
    expect(() => assertTensor('prev', b, 'float32', ['batch', 25, 70], bound)).toThrow(/'batch'\) must be 2/);
    expect(() => assertTensor('x', a, 'float32', [2, 100])).toThrow(/3 dimensions|2 dimensions/);
    expect(() => assertTensor('x', a, 'int64', [2, 100, 70])).toThrow(/expected int64/);
    expect(() => assertTensor('x', a, 'float32', [2, 99, 70])).toThrow(/dimension 1 must be 99/);
  });

  it('reject NaN and infinity', () => {
    expect(() => assertFinite('audio', [0, 1, Number.NaN])).toThrow(/element 2 is NaN/);
    expect(() => assertFinite('audio', [Number.POSITIVE_INFINITY])).toThrow(InvalidInputError);
    expect(() => assertFinite('audio', new Float32Array(3))).not.toThrow();
  });

  it('joins float32 tensors along their first axis, in order', () => {
    const a = float32Tensor([1, 2], [1, 2]);
    const b = float32Tensor([2, 2], [3, 4, 5, 6]);
    const joined = concatFirstAxis([a, b]);
    expect(joined.dims).toEqual([3, 2]);
    expect(Array.from(joined.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(concatFirstAxis([b])).toBe(b);
  });
});
