import { createTensor, InvalidInputError, type SessionV1, type TensorLike } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormulaMotionModel, type FormulaMotionModel } from '../../test/formula-motion-model.js';
import { createAudioProjection } from '../audio/audio-projection.js';
import { createOnnxDenoiser } from './onnx-denoiser.js';

let model: FormulaMotionModel;
beforeAll(async () => {
  model = await createFormulaMotionModel();
});
afterAll(() => model.dispose());

const zeros = (dims: number[]) =>
  createTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b)));
const input = (batch: number, windowFrames = 8) => ({
  sample: zeros([batch, windowFrames, 70]),
  audio: zeros([batch, windowFrames, 16]),
  previousMotion: zeros([batch, 3, 70]),
  previousAudio: zeros([batch, 3, 16]),
  timestep: createTensor('int64', [batch], new BigInt64Array(batch).fill(2n)),
});

function fakeSession(inputNames: string[], outputNames: string[], output?: TensorLike): SessionV1 {
  return {
    specificationVersion: 'v1',
    device: 'cpu',
    inputNames,
    outputNames,
    run: async () => ({ [outputNames[0]!]: output ?? zeros([1]) }),
    dispose: async () => {},
  };
}

describe('createOnnxDenoiser', () => {
  it('returns x0 [B, context + window, motionDim] for batches of 1 and 2', async () => {
    for (const batch of [1, 2])
      expect((await model.denoiser.denoise(input(batch))).dims).toEqual([batch, 11, 70]);
  });

  it('rejects inputs that disagree with the config or each other', async () => {
    await expect(model.denoiser.denoise(input(2, 7))).rejects.toThrow(InvalidInputError);
    await expect(
      model.denoiser.denoise({ ...input(2), timestep: createTensor('int64', [1], [2n] as never) }),
    ).rejects.toThrow(/timestep/);
  });

  it('refuses a session of another model and an output of the wrong shape', async () => {
    const config = model.denoiser.config;
    expect(() => createOnnxDenoiser({ session: fakeSession(['input'], ['output']), config })).toThrow(
      InvalidInputError,
    );
    const names = ['x_t', 'audio_feat', 'prev_motion', 'prev_audio', 'step'];
    const wrong = createOnnxDenoiser({ session: fakeSession(names, ['x0'], zeros([2, 8, 70])), config });
    await expect(wrong.denoise(input(2))).rejects.toThrow(/x0/);
  });
});

describe('createAudioProjection', () => {
  it('projects [frames, 12] to [frames, 16] and refuses another model', async () => {
    expect((await model.projection.project(zeros([5, 12]))).dims).toEqual([5, 16]);
    expect(() => createAudioProjection(fakeSession(['x_t'], ['x0']))).toThrow(InvalidInputError);
  });
});
