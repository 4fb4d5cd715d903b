import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, JoyvasaError, ModelLoadError, openModelBundle, type TensorLike } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { formulaInput } from '../synthetic/formula.js';
import {
  formulaAudioEncoderStateDict,
  hubertConfigJson,
} from '../synthetic/node/write-formula-checkpoints.js';
import { writeSafetensors } from '../synthetic/safetensors-writer.js';
import { fixtureHubertConfig } from '../synthetic/synthetic-bundle.js';
import { convertHuggingFaceAudioEncoder } from './convert-hugging-face-audio-encoder.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-hf-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const zeros = (dims: number[]) =>
  createTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));

/** A tiny Wav2Vec2ForCTC folder: `wav2vec2.`-prefixed encoder weights plus a CTC head. */
async function wav2vec2Folder(
  name: string,
  edit: (weights: Map<string, TensorLike>) => void = () => {},
  configChanges: Record<string, unknown> = {},
) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const config = {
    ...hubertConfigJson(fixtureHubertConfig),
    _name_or_path: 'tiny-wav2vec2',
    model_type: 'wav2vec2',
    architectures: ['Wav2Vec2ForCTC'],
    ...configChanges,
  };
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  const weights = formulaAudioEncoderStateDict(fixtureHubertConfig, 'A', 'wav2vec2.');
  weights.set('wav2vec2.masked_spec_embed', zeros([32]));
  weights.set('lm_head.weight', zeros([8, 32]));
  weights.set('lm_head.bias', zeros([8]));
  edit(weights);
  await writeFile(join(dir, 'model.safetensors'), writeSafetensors(weights));
  return dir;
}

describe('convertHuggingFaceAudioEncoder', () => {
  it('writes an audio-encoder-only bundle from a Wav2Vec2ForCTC folder, and the encoder runs', async () => {
    const from = await wav2vec2Folder('ctc');
    const to = join(root, 'ctc-bundle');
    const report = await convertHuggingFaceAudioEncoder({ from, to });
    expect(report.keyPrefix).toBe('wav2vec2.');
    expect(report.unexpectedKeys).toEqual({});
    expect(report.inputs.map((input) => input.file)).toEqual(['config.json', 'model.safetensors']);
    expect(Object.keys(report.manifest.components)).toEqual(['audio_encoder']);
    expect(report.manifest.data.audioEncoder).toEqual({
      id: 'tiny-wav2vec2',
      featureDim: 32,
      sampleRate: 16000,
      featuresPerSecond: 25,
    });

    const bundle = await openModelBundle(createDirectorySource(to));
    const session = await bundle.createSession(createOnnxNodeBackend(), 'audio_encoder', { device: 'cpu' });
    const { features } = await session.run({ audio: formulaInput('hf', 'audio', [1, 1280], -0.3, 0.3) });
    await session.dispose();
    expect(features!.dims).toEqual([1, 2, 32]);
    expect(Array.from(features!.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('reports unknown keys and refuses missing ones, all listed', async () => {
    const extra = await wav2vec2Folder('extra', (weights) =>
      weights.set('wav2vec2.adapter.weight', zeros([2])),
    );
    const report = await convertHuggingFaceAudioEncoder({ from: extra, to: join(root, 'extra-bundle') });
    expect(report.unexpectedKeys).toEqual({ 'model.safetensors': ['wav2vec2.adapter.weight'] });

    const broken = await wav2vec2Folder('broken', (weights) => {
      weights.delete('wav2vec2.encoder.layer_norm.bias');
      weights.set('wav2vec2.feature_projection.projection.weight', zeros([32, 31]));
    });
    const error = await convertHuggingFaceAudioEncoder({
      from: broken,
      to: join(root, 'broken-bundle'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain('missing wav2vec2.encoder.layer_norm.bias [32]');
    expect((error as Error).message).toContain('wav2vec2.feature_projection.projection.weight is [32, 31]');
  });

  it('refuses a config whose layer count the weights do not have, in one line, before building', async () => {
    const layers = fixtureHubertConfig.numHiddenLayers;
    for (const [count, message] of [
      [
        layers + 1,
        `declares ${layers + 1} layers but the weights hold ${layers} (wav2vec2.encoder.layers.*)`,
      ],
      [100_000_000, 'num_hidden_layers: must be a positive integer of at most 256, not 100000000'],
    ] as const) {
      const from = await wav2vec2Folder(`layers-${count}`, undefined, { num_hidden_layers: count });
      const error = await convertHuggingFaceAudioEncoder({
        from,
        to: join(root, `layers-${count}-bundle`),
      }).catch((e: unknown) => e);
      expect(JoyvasaError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });

  it('says which files a folder lacks', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir, { recursive: true });
    const error = await convertHuggingFaceAudioEncoder({ from: dir, to: join(root, 'x') }).catch(
      (e: unknown) => e,
    );
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /config\.json, model\.safetensors or pytorch_model\.bin missing/,
    );
  });
});
