import {
  type BackendV1,
  graphIo,
  InvalidInputError,
  type ModelBundle,
  type ModelManifest,
  type SessionV1,
} from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { loadAudioEncoder } from './load-audio-encoder.js';

/** A bundle whose `audio_encoder` opens as a session with `inputNames`; records what was disposed. */
function encoderBundle(data: Record<string, unknown>, inputNames: readonly string[]) {
  const disposed: string[] = [];
  const manifest = { name: 'fake', data: { audioEncoder: data } } as unknown as ModelManifest;
  const bundle = {
    manifest,
    async createSession(_backend: BackendV1, component: string): Promise<SessionV1> {
      return {
        specificationVersion: 'v1',
        device: 'cpu',
        inputNames,
        outputNames: Object.values(graphIo.audioEncoder.outputs),
        run: async () => ({}),
        dispose: async () => {
          disposed.push(component);
        },
      };
    },
  } as unknown as ModelBundle;
  return { bundle, disposed };
}

const backend = {} as BackendV1;
const hubert = { id: 'hubert', featureDim: 768, sampleRate: 16000, featuresPerSecond: 25 };

describe('loadAudioEncoder', () => {
  it('wraps the bundle session, and disposes it with the encoder', async () => {
    const { bundle, disposed } = encoderBundle(hubert, Object.values(graphIo.audioEncoder.inputs));
    const encoder = await loadAudioEncoder(bundle, backend);
    expect([encoder.id, encoder.featureDim, encoder.sampleRate]).toEqual(['hubert', 768, 16000]);
    await encoder.dispose?.();
    expect(disposed).toEqual(['audio_encoder']);
  });

  it('disposes the session when it is not an audio encoder, or the data section does not fit', async () => {
    for (const [data, inputs] of [
      [hubert, ['img']],
      [{ ...hubert, featuresPerSecond: 7 }, Object.values(graphIo.audioEncoder.inputs)],
    ] as const) {
      const { bundle, disposed } = encoderBundle(data, inputs);
      await expect(loadAudioEncoder(bundle, backend)).rejects.toSatisfy(InvalidInputError.isInstance);
      expect(disposed).toEqual(['audio_encoder']);
    }
  });
});
