import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, InvalidInputError, SessionRunError, type SessionV1 } from '@joyvasa/core';
import { checkAudioEncoder } from '@joyvasa/core/testing';
import { buildHubertEncoder, chineseHubertBaseConfig, type HubertConfig } from '@joyvasa/model-builder';
import { GraphBuilder } from '@joyvasa/model-builder/onnx';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';
import { rejectionOf } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxAudioEncoder } from './onnx-audio-encoder.js';

/** HuBERT-base's layout shrunk to run the conformance suite in seconds. */
const tinyConfig: HubertConfig = {
  ...chineseHubertBaseConfig,
  name: 'tiny-hubert',
  hiddenSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 64,
  convDim: [32, 32, 32, 32, 32, 32, 32],
  numConvPosEmbeddingGroups: 4,
};

const backend = createOnnxNodeBackend();
const tinyModel = buildHubertEncoder(createFormulaSource('T'), tinyConfig).encode();
const newSession = () => backend.createSession(tinyModel, { device: 'cpu', name: 'tiny-hubert' });

/** The rates of the tiny HuBERT: 16 kHz in, 25 feature frames a second out. */
const rates = { sampleRate: 16000, featuresPerSecond: 25 } as const;
const tinyHubert = (session: SessionV1) =>
  createOnnxAudioEncoder({ session, id: 'tiny-hubert', featureDim: 32, ...rates });

describe('createOnnxAudioEncoder', () => {
  let session: SessionV1;
  beforeAll(async () => {
    session = await newSession();
  });
  afterAll(() => session.dispose());

  it('passes the AudioEncoderV1 conformance suite over a tiny HuBERT graph', async () => {
    const encoder = tinyHubert(session);
    const report = await checkAudioEncoder(encoder, { expectedFeatureDim: 32 });
    expect(report.failures).toEqual([]);
    expect(report.passed).toHaveLength(6);
  });

  it('returns the graph features as [frames, featureDim], one frame per 640 samples', async () => {
    const encoder = tinyHubert(session);
    const pcm = Float32Array.from({ length: 3 * 640 }, (_, i) => 0.3 * Math.sin(i * 0.07));
    const features = await encoder.encode(pcm);
    const direct = await session.run({ audio: createTensor('float32', [1, pcm.length], pcm.slice()) });
    expect(features.dims).toEqual([3, 32]);
    expect(Array.from(features.data)).toEqual(Array.from(direct.features!.data as Float32Array));
  });

  it('rejects unusable PCM with InvalidInputError that says how to fix it', async () => {
    const encoder = tinyHubert(session);
    const infinite = new Float32Array(640);
    infinite[5] = Number.POSITIVE_INFINITY;
    const cases: [unknown, RegExp][] = [
      [new Float64Array(640), /Float32Array/],
      [new Float32Array(0), /multiple of 640/],
      [new Float32Array(1000), /pad the window with zeros to 1280 samples/],
      [infinite, /sample 5 is Infinity/],
    ];
    for (const [pcm, message] of cases) {
      const error = await rejectionOf(encoder.encode(pcm as Float32Array));
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reports a graph whose features do not match the declared width as SessionRunError', async () => {
    const encoder = createOnnxAudioEncoder({
      session,
      id: 'mismatched',
      ...rates,
    });
    const error = await rejectionOf(encoder.encode(new Float32Array(640)));
    expect(SessionRunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('expected float32 [1, 1, 768]');
  });

  it('rejects a session of another graph and options it cannot honour', async () => {
    const g = new GraphBuilder('other');
    g.output(g.relu(g.input('x', 'float32', [1, 4])), 'y', 'float32', [1, 4]);
    const other = await backend.createSession(g.encode(), { device: 'cpu' });
    expect(() => createOnnxAudioEncoder({ session: other, id: 'other', ...rates })).toThrow(/takes `audio`/);
    await other.dispose();
    expect(() =>
      createOnnxAudioEncoder({ session, id: 'x', sampleRate: 16000, featuresPerSecond: 7 }),
    ).toThrow(/does not divide/);
    expect(() => createOnnxAudioEncoder({ session, id: '', ...rates })).toThrow(/non-empty/);
  });

  it('disposes its session', async () => {
    const own = await newSession();
    const encoder = tinyHubert(own);
    await encoder.dispose?.();
    const error = await rejectionOf(encoder.encode(new Float32Array(640)));
    expect(SessionRunError.isInstance(error)).toBe(true);
  });
});
