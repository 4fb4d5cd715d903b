import { type GraphIo, plainFeeds, type SessionV1 } from '@joyvasa/core';
import { formulaInput } from '@joyvasa/model-builder/synthetic';
import type { NoiseSource } from '@joyvasa/motion-diffusion';
import type { GoldenContext } from '../golden-case.js';

/**
 * A session over the golden context's reference runner. Each run creates a session of its own, which is
 * slow but keeps the case on the harness's reference backend.
 */
export function contextSession(
  context: GoldenContext,
  model: Uint8Array,
  name: string,
  io: GraphIo,
): SessionV1 {
  return {
    specificationVersion: 'v1',
    device: 'cpu',
    inputNames: Object.values(io.inputs),
    outputNames: Object.values(io.outputs),
    run: async (feeds) => context.run(model, plainFeeds(feeds, name), name),
    dispose: async () => {},
  };
}

/** The golden README's formula noise: draw k = input("noise:k", dims) · sqrt(3). */
export function formulaNoise(seed: string): NoiseSource {
  return (dims, drawIndex) => {
    const values = formulaInput(seed, `noise:${drawIndex}`, dims).data;
    return values.map((value) => value * Math.sqrt(3));
  };
}
