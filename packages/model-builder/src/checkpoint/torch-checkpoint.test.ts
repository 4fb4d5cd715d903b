import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { entry, fixture, joyvasaLikeArgs, tensorAt, values } from '../../test/checkpoint-fixtures.js';
import { writeDeflatedZip } from '../../test/deflated-zip.js';
import {
  type PickleWritable,
  pickleOrderedDict,
  picklePersistentId,
  pickleReduce,
  writePickle,
} from '../synthetic/pickle-writer.js';
import { writeTorchCheckpoint } from '../synthetic/torch-zip-writer.js';
import { writeZip } from '../synthetic/zip-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { PickleGlobal, pickleTuple } from './pickle-value.js';
import { readTorchCheckpoint } from './torch-checkpoint.js';

async function readError(bytes: Uint8Array): Promise<string> {
  try {
    await readTorchCheckpoint(bytes, 'model.pth');
  } catch (error) {
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('model.pth');
    return (error as Error).message;
  }
  throw new Error('expected a CheckpointError');
}

/** A torch zip checkpoint assembled by hand, for layouts the writer never produces. */
function handMadeZip(
  value: PickleWritable,
  storages: Record<string, Uint8Array>,
  byteorder = 'little',
): Uint8Array {
  return writeZip([
    { name: 'archive/data.pkl', data: writePickle(value) },
    { name: 'archive/byteorder', data: new TextEncoder().encode(byteorder) },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data })),
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
  ]);
}

/** `torch._utils._rebuild_tensor_v2` of a float32 storage `key` holding `numel` elements. */
function tensorReduce(
  key: string,
  numel: number,
  offset: number,
  size: number[],
  stride: number[],
  type = 'FloatStorage',
) {
  const id = pickleTuple<PickleWritable>('storage', new PickleGlobal('torch', type), key, 'cpu', numel);
  return pickleReduce(new PickleGlobal('torch._utils', '_rebuild_tensor_v2'), [
    picklePersistentId(id),
    offset,
    pickleTuple(...size),
    pickleTuple(...stride),
    false,
    pickleOrderedDict(new Map()),
  ]);
}

const float32Bytes = (data: number[]) => new Uint8Array(Float32Array.from(data).buffer);

describe('readTorchCheckpoint on files laid out as torch.save writes them', () => {
  it.each([
    ['zip', 'joyvasa-like.pt', 'archive'],
    ['zip', 'joyvasa-like-deflated.pt', 'iter_0020000'],
    ['legacy', 'joyvasa-like-legacy.pt', undefined],
  ])('reads the %s format (%s)', async (format, name, archiveName) => {
    const checkpoint = await readTorchCheckpoint(fixture(name), name);
    expect(checkpoint.format).toBe(format);
    expect(checkpoint.archiveName).toBe(archiveName);
    expect(checkpoint.littleEndian).toBe(true);
    const { value } = checkpoint;
    expect(entry(value, 'iter')).toBe(20000);
    expect(entry(value, 'args')).toEqual(joyvasaLikeArgs);
    const model = entry(value, 'model');
    const weight = values(12, 0.5, -3);
    expect(tensorAt(model, 'layer.weight')).toEqual({
      type: 'float32',
      dims: [3, 4],
      data: Float32Array.from(weight),
    });
    const transposed = [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11].map((i) => weight[i]!);
    expect(tensorAt(model, 'layer.weight_t')).toEqual({
      type: 'float32',
      dims: [4, 3],
      data: Float32Array.from(transposed),
    });
    const rows = [5, 6, 7, 9, 10, 11].map((i) => weight[i]!);
    expect(tensorAt(model, 'layer.row')).toEqual({
      type: 'float32',
      dims: [2, 3],
      data: Float32Array.from(rows),
    });
    expect([...tensorAt(model, 'layer.bias').data]).toEqual(values(3, 0.25, 1));
    expect(tensorAt(model, 'half')).toEqual({
      type: 'float32',
      dims: [5],
      data: Float32Array.from(values(5, 0.125, -0.25)),
    });
    expect(tensorAt(model, 'bf16')).toEqual({
      type: 'float32',
      dims: [2, 2],
      data: Float32Array.from(values(4, 1.5, -2)),
    });
    expect(tensorAt(model, 'mask')).toEqual({
      type: 'bool',
      dims: [2, 2],
      data: Uint8Array.from([1, 0, 0, 1]),
    });
    expect(tensorAt(model, 'steps')).toEqual({
      type: 'int64',
      dims: [3],
      data: BigInt64Array.from([7n, -1n, 2n ** 40n]),
    });
    expect(tensorAt(model, 'scalar')).toEqual({ type: 'float32', dims: [], data: Float32Array.from([9]) });
  });

  it('refuses a checkpoint whose pickle calls os.system', async () => {
    expect(await readError(fixture('os-system-in-zip.pt'))).toContain('refuses global posix.system');
  });
});

describe('readTorchCheckpoint on broken or foreign files', () => {
  const good = writeTorchCheckpoint(
    new Map([['w', createTensor('float32', [4], Float32Array.from([1, 2, 3, 4]))]]),
  );

  it('rejects a truncated archive', async () => {
    expect(await readError(good.subarray(0, good.length - 40))).toContain('truncated');
    expect(await readError(good.subarray(0, 100))).toContain('truncated');
  });

  it('rejects a zip without data.pkl, and explains TorchScript archives', async () => {
    const plainZip = writeZip([{ name: 'folder/readme.txt', data: new Uint8Array(3) }]);
    expect(await readError(plainZip)).toContain('has no <folder>/data.pkl');
    const script = writeZip([{ name: 'model/constants.pkl', data: writePickle(null) }]);
    expect(await readError(script)).toContain('TorchScript');
  });

  it('rejects a tensor whose storage is too small for its shape or strides', async () => {
    const storages = { '0': float32Bytes([1, 2, 3, 4]) };
    const shape = handMadeZip(new Map([['w', tensorReduce('0', 4, 0, [3, 4], [4, 1])]]), storages);
    expect(await readError(shape)).toContain('needs 12 float32 elements, but its storage holds only 4');
    const offset = handMadeZip(new Map([['w', tensorReduce('0', 4, 3, [2], [1])]]), storages);
    expect(await readError(offset)).toContain('needs 5 float32 elements');
    const declared = handMadeZip(new Map([['w', tensorReduce('0', 8, 0, [4], [1])]]), storages);
    expect(await readError(declared)).toContain('declares 8 float32 elements');
  });

  it('refuses broadcast strides that would expand a tiny file into gigabytes', async () => {
    const bomb = handMadeZip(new Map([['w', tensorReduce('0', 1, 0, [2 ** 15, 2 ** 15], [0, 0])]]), {
      '0': float32Bytes([1]),
    });
    expect(await readError(bomb)).toContain('expand to more than');
  });

  it('refuses a storage entry that declares more bytes than its elements take (a zip bomb), before inflating', async () => {
    const model = new Map([['w', tensorReduce('0', 12, 0, [12], [1])]]);
    const entries = [
      { name: 'archive/data.pkl', data: writePickle(model) },
      { name: 'archive/data/0', data: new Uint8Array(8 << 20) },
    ];
    const bomb = writeDeflatedZip(entries, ['archive/data/0']);
    expect(bomb.length).toBeLessThan(64 << 10);
    expect(await readError(bomb)).toContain(
      'storage archive/data/0 holds 8388608 bytes but declares 12 float32 elements (48 bytes); the file is corrupt or a zip bomb',
    );
    const honest = writeDeflatedZip(
      [entries[0]!, { name: 'archive/data/0', data: new Uint8Array(48) }],
      ['archive/data/0'],
    );
    expect([...tensorAt((await readTorchCheckpoint(honest, 'ok.pt')).value, 'w').data]).toEqual(
      new Array(12).fill(0),
    );
  });

  it('rebuilds parameters, _rebuild_tensor_v3 over untyped storages and tensor subclasses', async () => {
    const global = (module: string, name: string) => new PickleGlobal(module, name);
    const half = new Uint8Array(Uint16Array.from([0x3c00, 0xc000, 0x3800]).buffer);
    const untyped = pickleTuple<PickleWritable>('storage', global('torch', 'UntypedStorage'), '0', 'cpu', 6);
    const v3 = pickleReduce(global('torch._utils', '_rebuild_tensor_v3'), [
      picklePersistentId(untyped),
      1,
      pickleTuple(2),
      pickleTuple(1),
      false,
      pickleOrderedDict(new Map()),
      global('torch', 'float16'),
    ]);
    const v2Args = [
      picklePersistentId(
        pickleTuple<PickleWritable>('storage', global('torch', 'FloatStorage'), '1', 'cpu', 2),
      ),
      0,
      pickleTuple(2),
      pickleTuple(1),
      false,
      pickleOrderedDict(new Map()),
    ];
    const parameter = pickleReduce(global('torch._utils', '_rebuild_parameter'), [
      pickleReduce(global('torch._utils', '_rebuild_tensor_v2'), v2Args),
      true,
      pickleOrderedDict(new Map()),
    ]);
    const subclass = pickleReduce(global('torch._tensor', '_rebuild_from_type_v2'), [
      global('torch._utils', '_rebuild_tensor_v2'),
      global('torch.nn.parameter', 'Parameter'),
      pickleTuple(...v2Args),
      new Map(),
    ]);
    const size = pickleReduce(global('torch', 'Size'), [pickleTuple(3, 4)]);
    const file = handMadeZip(
      new Map<PickleWritable, PickleWritable>([
        ['v3', v3],
        ['p', parameter],
        ['s', subclass],
        ['size', size],
      ]),
      {
        '0': half,
        '1': float32Bytes([5, 6]),
      },
    );
    const { value } = await readTorchCheckpoint(file, 'kinds.pt');
    expect(tensorAt(value, 'v3')).toEqual({ type: 'float32', dims: [2], data: Float32Array.from([-2, 0.5]) });
    expect(tensorAt(value, 'p')).toEqual({ type: 'float32', dims: [2], data: Float32Array.from([5, 6]) });
    expect(tensorAt(value, 's')).toEqual(tensorAt(value, 'p'));
    expect(entry(value, 'size')).toEqual([3, 4]);
  });

  it('reads strided views and big-endian storages made by hand', async () => {
    const big = new Uint8Array(16);
    for (const [i, v] of [1, 2, 3, 4].entries()) new DataView(big.buffer).setFloat32(i * 4, v, false);
    const file = handMadeZip(new Map([['t', tensorReduce('0', 4, 1, [2], [2])]]), { '0': big }, 'big');
    const { value, littleEndian } = await readTorchCheckpoint(file, 'big.pt');
    expect(littleEndian).toBe(false);
    expect([...tensorAt(value, 't').data]).toEqual([2, 4]);
  });

  it('rejects missing storages, bad byte orders and pickled modules', async () => {
    const tensor = new Map([['w', tensorReduce('7', 1, 0, [1], [1])]]);
    expect(await readError(handMadeZip(tensor, {}))).toContain('archive/data/7 is missing');
    expect(await readError(handMadeZip(tensor, { '7': float32Bytes([1]) }, 'middle'))).toContain(
      "says 'middle'",
    );
    const module = pickleTuple<PickleWritable>(
      'module',
      new PickleGlobal('torch', 'FloatStorage'),
      'x',
      'y',
      0,
    );
    expect(await readError(handMadeZip(picklePersistentId(module), {}))).toContain('state_dict()');
  });

  it('rejects files that are no torch checkpoint', async () => {
    expect(await readError(new Uint8Array(0))).toContain('the file is empty');
    expect(await readError(new TextEncoder().encode('hello'))).toContain('neither a zip header nor a pickle');
    expect(await readError(writePickle(new Map([['a', 1]])))).toContain('readPlainPickle');
  });

  it('rejects a truncated legacy checkpoint', async () => {
    const legacy = fixture('joyvasa-like-legacy.pt');
    expect(await readError(legacy.subarray(0, legacy.length - 3))).toContain('truncated');
    expect(await readError(legacy.subarray(0, 200))).toMatch(/truncated|STOP/);
  });
});
