import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../synthetic/safetensors-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { readSafetensors } from './safetensors.js';

/** A safetensors file from a header object and raw data bytes. */
function file(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function readError(bytes: Uint8Array): string {
  try {
    readSafetensors(bytes, 'model.safetensors');
  } catch (error) {
    expect(CheckpointError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

describe('writeSafetensors → readSafetensors', () => {
  it('round-trips every tensor type, as aligned views', () => {
    const tensors = new Map<string, TensorLike>([
      ['w', createTensor('float32', [2, 2], Float32Array.from([1, -2, 3.5, 4]))],
      ['steps', createTensor('int64', [2], BigInt64Array.from([-1n, 2n ** 50n]))],
      ['ids', createTensor('int32', [1], Int32Array.from([-9]))],
      ['mask', createTensor('bool', [3], Uint8Array.from([1, 0, 1]))],
      ['pixels', createTensor('uint8', [2], Uint8Array.from([0, 255]))],
      ['__proto__', createTensor('float32', [0], new Float32Array(0))],
    ]);
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const back = readSafetensors(bytes);
    expect(back).toEqual(tensors);
    expect((back.get('w')!.data as Float32Array).buffer).toBe(bytes.buffer);
  });

  it('converts F16, BF16 and F64 to float32 and I16/I8 to int32', () => {
    const half = Uint16Array.from([0x3c00, 0xc100]);
    const bf16 = Uint16Array.from([0x3f80, 0xc020]);
    const f64 = Float64Array.from([0.5, -1e10]);
    const i16 = Int16Array.from([-300, 7]);
    const data = new Uint8Array(4 + 4 + 16 + 4);
    data.set(new Uint8Array(half.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), 4);
    data.set(new Uint8Array(f64.buffer), 8);
    data.set(new Uint8Array(i16.buffer), 24);
    const tensors = readSafetensors(
      file(
        {
          __metadata__: { format: 'pt' },
          h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
          d: { dtype: 'F64', shape: [2, 1], data_offsets: [8, 24] },
          s: { dtype: 'I16', shape: [2], data_offsets: [24, 28] },
        },
        data,
      ),
    );
    expect([...tensors.get('h')!.data]).toEqual([1, -2.5]);
    expect([...tensors.get('b')!.data]).toEqual([1, -2.5]);
    expect(tensors.get('d')).toEqual({
      type: 'float32',
      dims: [2, 1],
      data: Float32Array.from([0.5, -1e10]),
    });
    expect(tensors.get('s')).toEqual({ type: 'int32', dims: [2], data: Int32Array.from([-300, 7]) });
  });
});

describe('readSafetensors on broken files', () => {
  const data = new Uint8Array(16);
  const entry = (dtype: string, shape: number[], offsets: number[]) => ({
    dtype,
    shape,
    data_offsets: offsets,
  });

  it.each([
    ['a file shorter than its header length', new Uint8Array(4), 'no header length'],
    ['a header length past the end', file({}, data).subarray(0, 9), 'claims'],
    ['a header that is not JSON', file(null, data, '{"a": '), 'not valid JSON'],
    ['a header that is a JSON array', file([], data), 'not a JSON object'],
    ['an unknown dtype', file({ a: entry('C64', [1], [0, 8]) }, data), 'has dtype C64'],
    ['a malformed shape', file({ a: entry('F32', [-1], [0, 4]) }, data), 'malformed shape'],
    ['malformed offsets', file({ a: entry('F32', [1], [4, 0]) }, data), 'malformed data_offsets'],
    ['a size that does not match the shape', file({ a: entry('F32', [2], [0, 4]) }, data), 'needs 8 bytes'],
    ['offsets past the data', file({ a: entry('F32', [8], [0, 32]) }, data), 'past the 16 data bytes'],
    [
      'overlapping tensors',
      file({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) }, data),
      "'a' and 'b' overlap",
    ],
    // These three used to be accepted silently.
    [
      'a gap between two tensors',
      file({ a: entry('F32', [1], [0, 4]), b: entry('F32', [2], [8, 16]) }, data),
      "data bytes 4 to 8 (after tensor 'a' and before 'b') belong to no tensor",
    ],
    [
      'bytes after the last tensor',
      file({ a: entry('F32', [2], [0, 8]) }, data),
      "data bytes 8 to 16 (after tensor 'a' at the end) belong to no tensor",
    ],
    [
      'a key named twice',
      file(
        null,
        data,
        '{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "a": {"dtype": "I32", "shape": [4], "data_offsets": [0, 16]}}',
      ),
      "names 'a' twice",
    ],
  ])('rejects %s', (_, bytes, message) => {
    expect(readError(bytes)).toContain(message);
  });
});
