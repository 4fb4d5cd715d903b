import { createTensor, isTensorLike, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { fixture, joyvasaLikeArgs, values } from '../../test/checkpoint-fixtures.js';
import { type PickleWritable, pickleOrderedDict, writePickle } from '../synthetic/pickle-writer.js';
import { writeSafetensors } from '../synthetic/safetensors-writer.js';
import { writeTorchCheckpoint } from '../synthetic/torch-zip-writer.js';
import { CheckpointError } from './checkpoint-error.js';
import { checkpointMetadata, toPlainValue } from './checkpoint-metadata.js';
import type { PickleValue } from './pickle-value.js';
import { readStateDict } from './read-state-dict.js';
import { extractStateDict, readPlainPickle } from './state-dict.js';
import { readTorchCheckpoint } from './torch-checkpoint.js';

const tensor = (data: number[]) => createTensor('float32', [data.length], Float32Array.from(data));

describe('extractStateDict', () => {
  it("finds JoyVASA's state dict under 'model' and leaves args and iter as metadata", async () => {
    const { value } = await readTorchCheckpoint(fixture('joyvasa-like.pt'), 'joyvasa-like.pt');
    const stateDict = extractStateDict(value);
    expect([...stateDict.keys()]).toEqual([
      'layer.weight',
      'layer.weight_t',
      'layer.row',
      'layer.bias',
      'half',
      'bf16',
      'mask',
      'steps',
      'scalar',
    ]);
    expect(extractStateDict(value, { key: 'model' })).toEqual(stateDict);
    expect(checkpointMetadata(value)).toEqual({
      args: joyvasaLikeArgs,
      iter: 20000,
    });
  });

  it('reads each MLP of the stitching file, stripping the DDP module. prefix', async () => {
    const { value } = await readTorchCheckpoint(fixture('stitching-like.pth'), 'stitching-like.pth');
    const layers = {
      retarget_shoulder: ['s', [6, 4, 2]],
      retarget_mouth: ['m', [5, 3]],
      retarget_eye: ['e', [4, 4, 3]],
    } as const;
    for (const [key, [, sizes]] of Object.entries(layers)) {
      const mlp = extractStateDict(value, { key, name: 'stitching-like.pth' });
      const expected = new Map<string, TensorLike>();
      for (let layer = 0; layer < sizes.length - 1; layer++) {
        const [inputs, outputs] = [sizes[layer]!, sizes[layer + 1]!];
        const weight = Float32Array.from(values(inputs * outputs, 0.01, -0.5 + layer));
        expected.set(`mlp.${2 * layer}.weight`, createTensor('float32', [outputs, inputs], weight));
        expected.set(`mlp.${2 * layer}.bias`, tensor(values(outputs, 0.1, layer)));
      }
      expect(mlp).toEqual(expected);
    }
    // The whole file flattens too, with the sub-dict names as key prefixes.
    expect([...extractStateDict(value).keys()]).toContain('retarget_mouth.mlp.0.weight');
  });

  it('strips repeated and custom prefixes, and reports collisions', () => {
    const tree = new Map<PickleValue, PickleValue>([
      ['module.module.a', tensor([1])],
      ['detector.b', tensor([2])],
    ]);
    expect([...extractStateDict(tree).keys()]).toEqual(['a', 'detector.b']);
    expect([...extractStateDict(tree, { stripPrefixes: ['module.', 'detector.'] }).keys()]).toEqual([
      'a',
      'b',
    ]);
    const clash = new Map<PickleValue, PickleValue>([
      ['module.a', tensor([1])],
      ['a', tensor([2])],
    ]);
    expect(() => extractStateDict(clash)).toThrow("keys 'module.a' and 'a' both become 'a'");
  });

  it('explains what is wrong when no state dict can be found', () => {
    const tree = new Map<PickleValue, PickleValue>([
      ['weights', new Map([['a', tensor([1])]])],
      ['epoch', 3],
    ]);
    expect(() => extractStateDict(tree, { name: 'x.pth' })).toThrow(CheckpointError);
    expect(() => extractStateDict(tree)).toThrow('top-level keys are weights, epoch');
    expect(() => extractStateDict(tree, { key: 'missing' })).toThrow("no entry 'missing'");
    expect(() => extractStateDict(tree, { key: 'epoch' })).toThrow("'epoch' is a int");
    const mixed = new Map<PickleValue, PickleValue>([
      [
        'model',
        new Map<PickleValue, PickleValue>([
          ['a', tensor([1])],
          ['n', 3],
        ]),
      ],
    ]);
    expect(() => extractStateDict(mixed)).toThrow("entry 'n' is a int, not a tensor");
    expect(() => extractStateDict(tensor([1]) as PickleValue)).toThrow('not a dict of tensors');
  });

  it('stops on absurd nesting and on shared dicts that multiply out', () => {
    let deep: PickleValue = new Map<PickleValue, PickleValue>([['w', tensor([1])]]);
    for (let i = 0; i < 400; i++) deep = new Map([['m', deep]]);
    expect(() => extractStateDict(deep)).toThrow('deeper than');
    expect(() => toPlainValue(deep)).toThrow('deeper than');
    let shared: PickleValue = new Map<PickleValue, PickleValue>([['w', tensor([1])]]);
    for (let i = 0; i < 30; i++)
      shared = new Map([
        ['a', shared],
        ['b', shared],
      ]);
    expect(() => extractStateDict(shared)).toThrow('over 1000000 entries');
    // Metadata walks each shared dict once, and keeps it shared.
    let plainShared: PickleValue = new Map<PickleValue, PickleValue>([['n', 1]]);
    for (let i = 0; i < 30; i++)
      plainShared = new Map([
        ['a', plainShared],
        ['b', plainShared],
      ]);
    const plain = checkpointMetadata(new Map([['tree', plainShared]])).tree as Record<string, unknown>;
    expect(plain.a).toBe(plain.b);
  });

  it('refuses a state dict that contains itself', () => {
    const loop = new Map<PickleValue, PickleValue>([['a', tensor([1])]]);
    loop.set('self', loop);
    expect(() => extractStateDict(loop, { key: [] })).toThrow('contains itself');
    expect(() => toPlainValue(loop)).toThrow('refers to itself');
  });
});

describe('readPlainPickle', () => {
  it('reads a motion-template-like dict of numpy float32 arrays', () => {
    const template = readPlainPickle(fixture('motion-template-like.pkl'), 'motion_template.pkl') as Map<
      string,
      PickleValue
    >;
    const sizes = { exp: 63, scale: 1, t: 3, pitch: 1, yaw: 1, roll: 1 };
    for (const [name, size] of Object.entries(sizes)) {
      for (const [stat, scale, shift] of [
        ['mean', 0.25, -3],
        ['std', 0.5, 1],
        ['min', 1, -10],
        ['max', 1, 10],
      ] as const) {
        const array = template.get(`${stat}_${name}`);
        expect(isTensorLike(array)).toBe(true);
        expect(array).toEqual({
          type: 'float32',
          dims: [size],
          data: Float32Array.from(values(size, scale, shift)),
        });
      }
    }
    expect(template.size).toBe(24);
  });

  it('refuses torch checkpoints and trailing data', async () => {
    expect(() => readPlainPickle(fixture('joyvasa-like.pt'))).toThrow('use readTorchCheckpoint');
    expect(() => readPlainPickle(fixture('joyvasa-like-legacy.pt'))).toThrow('legacy torch checkpoint');
    const twice = new Uint8Array([...writePickle(1), ...writePickle(2)]);
    expect(() => readPlainPickle(twice)).toThrow('bytes follow the pickle');
    expect(() => readPlainPickle(fixture('os-system-p4.pkl'))).toThrow('refuses global posix.system');
  });
});

describe('readStateDict', () => {
  const weights = new Map([
    ['module.w', tensor([1, 2])],
    ['b', tensor([3])],
  ]);

  it('reads torch and safetensors files alike', async () => {
    const expected = new Map([
      ['w', tensor([1, 2])],
      ['b', tensor([3])],
    ]);
    const torchFile = writeTorchCheckpoint(
      new Map<string, PickleWritable>([
        ['state_dict', pickleOrderedDict(weights)],
        ['epoch', 3],
      ]),
    );
    expect(await readStateDict(torchFile, 'a.pth')).toEqual(expected);
    expect(await readStateDict(writeSafetensors(weights), 'a.safetensors')).toEqual(expected);
    const stitching = await readStateDict(fixture('stitching-like.pth'), 's.pth', { key: 'retarget_eye' });
    expect([...stitching.keys()]).toEqual(['mlp.0.weight', 'mlp.0.bias', 'mlp.2.weight', 'mlp.2.bias']);
  });
});
