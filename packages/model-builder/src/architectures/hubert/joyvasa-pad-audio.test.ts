import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import type { HubertConfig } from './hubert-config.js';
import { buildHubertEncoder } from './hubert-encoder.js';
import { joyvasaAudioPadding } from './joyvasa-pad-audio.js';

/** numpy / PyTorch `reflect` padding of `p` samples on both sides (the edge sample is not repeated). */
function reflect(x: Float32Array, p: number): Float32Array {
  return Float32Array.from({ length: x.length + 2 * p }, (_, i) => {
    const j = Math.abs(i - p);
    return x[j < x.length ? j : 2 * (x.length - 1) - j]!;
  });
}

/** JoyVASA's `pad_audio` as the Python reads, for one channel. */
function padAudio(x: Float32Array): Float32Array {
  const units = Math.floor(x.length / 320);
  const side = Math.ceil((320 * units + 80 - x.length) / 2);
  if (side < 0) return x;
  let out = x;
  const reflectLength = Math.floor(side / 2);
  if (reflectLength > 0) out = reflect(reflect(out, reflectLength), reflectLength);
  if (side % 2 === 1) out = Float32Array.from([out[0]!, ...out, out.at(-1)!]);
  return out;
}

const small: HubertConfig = {
  name: 'pad-check',
  hiddenSize: 8,
  numHiddenLayers: 1,
  numAttentionHeads: 2,
  intermediateSize: 8,
  layerNormEps: 1e-5,
  convDim: [4, 4, 4, 4, 4, 4, 4],
  convKernel: [10, 3, 3, 3, 3, 2, 2],
  convStride: [5, 2, 2, 2, 2, 2, 2],
  numConvPosEmbeddings: 4,
  numConvPosEmbeddingGroups: 2,
  featProjLayerNorm: true,
};

describe('joyvasaAudioPadding', () => {
  it('pads every whole 25 fps window by a 20-sample reflect, twice', () => {
    for (const frames of [1, 2, 100, 101]) {
      expect(joyvasaAudioPadding(frames * 640)).toEqual({
        reflect: 20,
        replicate: 0,
        paddedSamples: frames * 640 + 80,
      });
    }
  });

  it('follows the official formula for lengths off the 320-sample grid', () => {
    for (const samples of [64001, 64002, 64003, 64079, 64080, 64100, 64319]) {
      const expected = padAudio(new Float32Array(samples).map((_, i) => i)).length;
      expect(joyvasaAudioPadding(samples).paddedSamples, `${samples}`).toBe(expected);
    }
    expect(joyvasaAudioPadding(64002)).toEqual({ reflect: 19, replicate: 1, paddedSamples: 64080 });
  });
});

describe('pad_audio inside the encoder graph', () => {
  it('turns the golden audio window into the golden padded window', async () => {
    // audio.npy of the golden folder is input("audio", [1, 64000]) · 0.5; audio_padded.npy is its pad_audio.
    const audio = formulaInput('A', 'audio', [1, 64000]);
    const half = createTensor(
      'float32',
      [1, 64000],
      audio.data.map((value) => value * 0.5),
    );
    const model = buildHubertEncoder(createFormulaSource('A'), small, { debugOutputs: ['padded_audio'] });
    const session = await createOnnxNodeBackend().createSession(model.encode(), { device: 'cpu' });
    const { padded_audio: padded, features } = await session.run({ audio: half });
    await session.dispose();
    const expected = padAudio(half.data);
    expect(padded!.dims).toEqual([1, 64080]);
    expect(Array.from(padded!.data as Float32Array)).toEqual(Array.from(expected));
    expect(features!.dims).toEqual([1, 100, 8]);
  });

  it('pads each row of a batch on its own', async () => {
    const rows = [formulaInput('B', 'row0', [640]).data, formulaInput('B', 'row1', [640]).data];
    const model = buildHubertEncoder(createFormulaSource('B'), small, { debugOutputs: ['padded_audio'] });
    const session = await createOnnxNodeBackend().createSession(model.encode(), { device: 'cpu' });
    const audio = createTensor('float32', [2, 640], Float32Array.from([...rows[0]!, ...rows[1]!]));
    const { padded_audio: padded } = await session.run({ audio });
    await session.dispose();
    expect(Array.from(padded!.data as Float32Array)).toEqual([...padAudio(rows[0]!), ...padAudio(rows[1]!)]);
  });
});
