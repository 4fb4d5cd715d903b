import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { entry, tensorAt } from '../../test/checkpoint-fixtures.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { readTorchCheckpoint } from '../checkpoint/torch-checkpoint.js';
import { readZipArchive } from '../checkpoint/zip-archive.js';
import { type PickleWritable, pickleOrderedDict, picklePosixPath } from './pickle-writer.js';
import { writeTorchCheckpoint } from './torch-zip-writer.js';

describe('writeTorchCheckpoint → readTorchCheckpoint', () => {
  const weight = createTensor('float32', [2, 3], Float32Array.from([1, -2, 3.5, 4, 5, 6]));
  const half = createTensor('float16', [3], Uint16Array.from([0x3c00, 0xc000, 0x3555]));
  const steps = createTensor('int64', [], BigInt64Array.from([-(2n ** 40n)]));
  const mask = createTensor('bool', [2, 2], Uint8Array.from([1, 0, 0, 1]));
  const ints = createTensor('int32', [2], Int32Array.from([-7, 8]));
  const bytes = createTensor('uint8', [3], Uint8Array.from([0, 128, 255]));
  const empty = createTensor('float32', [0, 4], new Float32Array(0));

  it('round-trips every tensor type and the checkpoint around them', async () => {
    const file = writeTorchCheckpoint(
      new Map<PickleWritable, PickleWritable>([
        ['args', { data_root: picklePosixPath('/data/x'), lr: 0.0001 }],
        [
          'model',
          pickleOrderedDict(
            new Map<PickleWritable, PickleWritable>([
              ['w', weight],
              ['h', half],
              ['steps', steps],
              ['mask', mask],
              ['ints', ints],
              ['bytes', bytes],
              ['empty', empty],
            ]),
          ),
        ],
        ['iter', 20000],
      ]),
    );
    const { value, format, archiveName } = await readTorchCheckpoint(file, 'round-trip.pt');
    expect([format, archiveName]).toEqual(['zip', 'archive']);
    expect(entry(value, 'args')).toEqual({ data_root: '/data/x', lr: 0.0001 });
    expect(entry(value, 'iter')).toBe(20000);
    const model = entry(value, 'model');
    expect(tensorAt(model, 'w')).toEqual(weight);
    expect(tensorAt(model, 'h')).toEqual({
      type: 'float32',
      dims: [3],
      data: Float32Array.from([1, -2, 0.25 * (1 + 0x155 / 1024)]),
    });
    for (const [key, tensor] of [
      ['steps', steps],
      ['mask', mask],
      ['ints', ints],
      ['bytes', bytes],
      ['empty', empty],
    ] as const) {
      expect(tensorAt(model, key)).toEqual(tensor);
    }
    // Storages are 64-byte aligned, so float32 weights come back as views of the file.
    expect((tensorAt(model, 'w').data as Float32Array).buffer).toBe(file.buffer);
  });

  it('writes one storage for a tensor used twice, and honours archive name and zip64', async () => {
    const file = writeTorchCheckpoint(
      new Map([
        ['a', weight],
        ['b', weight],
      ]),
      { archiveName: 'iter_0020000', zip64: true },
    );
    const storages = readZipArchive(file, 'x').entries.filter((e) => e.name.startsWith('iter_0020000/data/'));
    expect(storages).toHaveLength(1);
    const { value, archiveName } = await readTorchCheckpoint(file, 'shared.pt');
    expect(archiveName).toBe('iter_0020000');
    expect(tensorAt(value, 'a')).toEqual(weight);
    const [a, b] = [tensorAt(value, 'a').data as Float32Array, tensorAt(value, 'b').data as Float32Array];
    expect(b).toEqual(a);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset);
  });

  it('refuses an archive name with a slash', () => {
    expect(() => writeTorchCheckpoint(new Map(), { archiveName: 'a/b' })).toThrow(CheckpointError);
  });
});
