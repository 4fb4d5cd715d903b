import { describe, expect, it } from 'vitest';
import { CheckpointError } from './checkpoint-error.js';
import { readNpy } from './npy.js';

function npy(descr: string, fortran: boolean, shape: number[], payload: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += `${' '.repeat(63 - ((header.length + 10) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(payload, 10 + header.length);
  return out;
}

const bytesOf = (array: Float32Array | BigInt64Array) => new Uint8Array(array.buffer);

describe('readNpy', () => {
  it('reads C-order float32 and int64 arrays', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const tensor = readNpy(npy('<f4', false, [2, 3], bytesOf(values)));
    expect(tensor.dims).toEqual([2, 3]);
    expect(Array.from(tensor.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const ints = readNpy(npy('<i8', false, [2], bytesOf(BigInt64Array.from([7n, -8n]))));
    expect(Array.from(ints.data as BigInt64Array)).toEqual([7n, -8n]);
  });

  it('reorders Fortran-order arrays to row-major', () => {
    // Column-major storage of [[1, 2, 3], [4, 5, 6]] is 1, 4, 2, 5, 3, 6.
    const tensor = readNpy(npy('<f4', true, [2, 3], bytesOf(Float32Array.from([1, 4, 2, 5, 3, 6]))));
    expect(Array.from(tensor.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    // A 2x2x2 cube: element (i, j, k) = 100i + 10j + k, stored column-major.
    const column: number[] = [];
    for (let k = 0; k < 2; k++)
      for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) column.push(100 * i + 10 * j + k);
    const cube = readNpy(npy('<f4', true, [2, 2, 2], bytesOf(Float32Array.from(column))));
    expect(Array.from(cube.data as Float32Array)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
  });

  it('rejects files that are not .npy, truncated data and unknown dtypes', () => {
    expect(() => readNpy(new Uint8Array(20))).toThrow(CheckpointError);
    const full = npy('<f4', false, [4], bytesOf(Float32Array.from([1, 2, 3, 4])));
    expect(() => readNpy(full.subarray(0, full.length - 3))).toThrow(/truncated/);
    expect(() => readNpy(npy('<c8', false, [1], new Uint8Array(8)))).toThrow(/dtype <c8/);
  });
});
