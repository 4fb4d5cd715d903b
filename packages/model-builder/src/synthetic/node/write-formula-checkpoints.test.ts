import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTensorLike, type TensorLike } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointMetadata } from '../../checkpoint/checkpoint-metadata.js';
import type { PickleValue } from '../../checkpoint/pickle-value.js';
import { readPlainPickle } from '../../checkpoint/state-dict.js';
import { readTorchCheckpoint } from '../../checkpoint/torch-checkpoint.js';
import { syntheticMotionTemplate } from '../synthetic-bundle.js';
import { writeFormulaCheckpoints } from './write-formula-checkpoints.js';

let root: string;
let written: string[];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-formula-'));
  written = await writeFormulaCheckpoints(root, { sizes: 'fixture', animal: false, detectors: false });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const read = async (path: string) => new Uint8Array(await readFile(join(root, path)));

describe('writeFormulaCheckpoints', () => {
  it('writes the official layout, leaving out what was declined', () => {
    expect(written).toEqual([
      'liveportrait/base_models/appearance_feature_extractor.pth',
      'liveportrait/base_models/motion_extractor.pth',
      'liveportrait/base_models/warping_module.pth',
      'liveportrait/base_models/spade_generator.pth',
      'liveportrait/retargeting_models/stitching_retargeting_module.pth',
      'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt',
      'JoyVASA/motion_template/motion_template.pkl',
      'chinese-hubert-base/config.json',
    ]);
  });

  it("writes JoyVASA's {args, model, iter} with a Namespace, a path, the bool mask and weight-norm naming", async () => {
    const file = 'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt';
    const tree = (await readTorchCheckpoint(await read(file), file)).value as Map<PickleValue, PickleValue>;
    const { args, iter } = checkpointMetadata(tree) as { args: Record<string, unknown>; iter: number };
    expect(args).toMatchObject({
      data_root: '/data/joyvasa/train',
      feature_dim: 32,
      n_heads: 4,
      pad_mode: 'zero',
    });
    expect(iter).toBe(20000);
    const model = tree.get('model') as Map<string, TensorLike>;
    const mask = model.get('denoising_net.alignment_mask')!;
    expect(mask.type).toBe('bool');
    expect(mask.dims).toEqual([125, 125]);
    expect([mask.data[0], mask.data[1], mask.data[126]]).toEqual([0, 1, 0]);
    expect(model.has('audio_encoder.encoder.pos_conv_embed.conv.parametrizations.weight.original1')).toBe(
      true,
    );
    expect(model.has('audio_encoder.masked_spec_embed')).toBe(true);
  });

  it('nests the three retargeting MLPs under module. prefixes, as DDP saved them', async () => {
    const file = 'liveportrait/retargeting_models/stitching_retargeting_module.pth';
    const tree = (await readTorchCheckpoint(await read(file), file)).value as Map<
      string,
      Map<string, unknown>
    >;
    expect([...tree.keys()]).toEqual(['retarget_shoulder', 'retarget_mouth', 'retarget_eye']);
    expect([...tree.get('retarget_eye')!.keys()][0]).toBe('module.mlp.0.weight');
  });

  it('pickles the motion template as numpy float32 arrays', async () => {
    const file = 'JoyVASA/motion_template/motion_template.pkl';
    const template = readPlainPickle(await read(file), file) as Map<string, PickleValue>;
    for (const [key, values] of Object.entries(syntheticMotionTemplate())) {
      const array = template.get(key);
      expect(isTensorLike(array) && array.type).toBe('float32');
      expect((array as TensorLike).data).toEqual(Float32Array.from(values));
    }
  });
});
