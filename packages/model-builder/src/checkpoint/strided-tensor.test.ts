import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { bfloat16ToFloat32, contiguousStrides, decodeTensor, float16ToFloat32 } from './strided-tensor.js';

const float32Bytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const range = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('decodeTensor', () => {
  it('returns aligned contiguous float32 storages as views', () => {
    const bytes = float32Bytes(range(6));
    const tensor = decodeTensor({ bytes, dtype: 'float32' }, { offset: 0, dims: [2, 3] }, 't', 'f');
    expect([...tensor.data]).toEqual(range(6));
    expect((tensor.data as Float32Array).buffer).toBe(bytes.buffer);
  });

  it('copies unaligned storages', () => {
    const padded = new Uint8Array(4 * 4 + 1);
    padded.set(float32Bytes([1, 2, 3, 4]), 1);
    const tensor = decodeTensor(
      { bytes: padded.subarray(1), dtype: 'float32' },
      { offset: 1, dims: [3] },
      't',
      'f',
    );
    expect([...tensor.data]).toEqual([2, 3, 4]);
  });

  it('honours storage offset and strides (transposed, sliced, broadcast)', () => {
    const storage = { bytes: float32Bytes(range(12)), dtype: 'float32' as const };
    // The transpose of a [3, 4] matrix.
    const transposed = decodeTensor(storage, { offset: 0, dims: [4, 3], strides: [1, 4] }, 't', 'f');
    expect([...transposed.data]).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    // Rows 1..2, columns 1..3 of the same matrix.
    const block = decodeTensor(storage, { offset: 5, dims: [2, 3], strides: [4, 1] }, 't', 'f');
    expect([...block.data]).toEqual([5, 6, 7, 9, 10, 11]);
    // Every other element of a column, with a leading broadcast axis (stride 0).
    const broadcast = decodeTensor(storage, { offset: 2, dims: [2, 2, 1], strides: [0, 8, 1] }, 't', 'f');
    expect([...broadcast.data]).toEqual([2, 10, 2, 10]);
    expect(decodeTensor(storage, { offset: 7, dims: [] }, 't', 'f').data[0]).toBe(7);
  });

  it('widens int16 and int8 to int32 and keeps int64 as BigInt64Array', () => {
    const int16 = new Uint8Array(Int16Array.from([-2, 300]).buffer);
    expect(decodeTensor({ bytes: int16, dtype: 'int16' }, { offset: 0, dims: [2] }, 't', 'f')).toEqual({
      type: 'int32',
      dims: [2],
      data: Int32Array.from([-2, 300]),
    });
    const int64 = new Uint8Array(BigInt64Array.from([1n, -(2n ** 62n), 3n]).buffer);
    const strided = decodeTensor(
      { bytes: int64, dtype: 'int64' },
      { offset: 0, dims: [2], strides: [2] },
      't',
      'f',
    );
    expect(strided).toEqual({ type: 'int64', dims: [2], data: BigInt64Array.from([1n, 3n]) });
  });

  it('reads big-endian storages', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat32(0, 1.5, false);
    new DataView(bytes.buffer).setFloat32(4, -3, false);
    const tensor = decodeTensor(
      { bytes, dtype: 'float32', littleEndian: false },
      { offset: 0, dims: [2] },
      't',
      'f',
    );
    expect([...tensor.data]).toEqual([1.5, -3]);
  });

  it('reads empty tensors', () => {
    const tensor = decodeTensor(
      { bytes: new Uint8Array(0), dtype: 'float16' },
      { offset: 0, dims: [0, 3] },
      't',
      'f',
    );
    expect(tensor).toEqual({ type: 'float32', dims: [0, 3], data: new Float32Array(0) });
  });

  it.each([
    ['a storage too small for the shape', { offset: 0, dims: [4, 4] }, 'needs 16 float32 elements'],
    ['an offset past the end', { offset: 12, dims: [1] }, 'holds only 12'],
    ['strides that reach past the end', { offset: 0, dims: [2, 2], strides: [12, 1] }, 'needs 14'],
    ['a negative stride', { offset: 3, dims: [2], strides: [-1] }, 'not a whole number'],
    ['a fractional dimension', { offset: 0, dims: [1.5] }, 'not a whole number'],
    ['mismatched strides', { offset: 0, dims: [2, 2], strides: [1] }, 'has 1 strides'],
    ['a huge broadcast', { offset: 0, dims: [2 ** 20, 2 ** 20], strides: [0, 0] }, 'elements, more than'],
  ])('rejects %s', (_, layout, message) => {
    const storage = { bytes: float32Bytes(range(12)), dtype: 'float32' as const };
    expect(() => decodeTensor(storage, layout, 'weight', 'model.pth')).toThrow(CheckpointError);
    expect(() => decodeTensor(storage, layout, 'weight', 'model.pth')).toThrow(message);
  });
});

describe('half-precision conversion', () => {
  it('converts float16 exactly, including subnormals, infinities and NaN', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x8400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000]);
    const out = float16ToFloat32(bits);
    expect([...out.subarray(0, 7)]).toEqual([1, -2, 2 ** -24, -(2 ** -14), 65504, Infinity, -Infinity]);
    expect(out[7]).toBeNaN();
    expect(Object.is(out[8], -0)).toBe(true);
  });

  it('converts bfloat16 as the top half of a float32', () => {
    // The first four fit in bfloat16's 8-bit mantissa; 1 + 2^-10 does not and keeps only its top half.
    const values = Float32Array.from([1, -2.5, 3.140625, 2 ** 100, 1 + 2 ** -10]);
    const top = Uint16Array.from(new Uint32Array(values.buffer), (word) => word >>> 16);
    expect([...bfloat16ToFloat32(top)]).toEqual([1, -2.5, 3.140625, 2 ** 100, 1]);
  });

  it('computes row-major strides', () => {
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
  });
});
