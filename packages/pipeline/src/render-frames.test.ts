import { createTensor, type Float32Tensor, type RendererV1, type RenderInput } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { renderFrames } from './render-frames.js';

const image = (value: number): Float32Tensor =>
  createTensor('float32', [1, 3, 1, 1], new Float32Array(3).fill(value));
const input = (value: number): RenderInput => ({
  features: image(0),
  sourceKeypoints: createTensor('float32', [1, 1, 3], new Float32Array(3)),
  drivingKeypoints: createTensor('float32', [1, 1, 3], new Float32Array(3).fill(value)),
});

/** A renderer whose image is the first driving coordinate; it records how it was called. */
function recordingRenderer(batched: boolean) {
  const calls: string[] = [];
  const renderer: RendererV1 = {
    specificationVersion: 'v1',
    outputSize: { width: 1, height: 1 },
    async render(frame) {
      calls.push('render');
      return image(frame.drivingKeypoints.data[0]!);
    },
    ...(batched
      ? {
          async renderBatch(frames: readonly RenderInput[]) {
            calls.push(`batch ${frames.length}`);
            return frames.map((frame) => image(frame.drivingKeypoints.data[0]!));
          },
        }
      : {}),
  };
  return { renderer, calls };
}

describe('renderFrames', () => {
  it('renders several frames in one renderBatch call, in order', async () => {
    const { renderer, calls } = recordingRenderer(true);
    const images = await renderFrames(renderer, [input(1), input(2), input(3)], {});
    expect(images.map((frame) => frame.data[0])).toEqual([1, 2, 3]);
    expect(calls).toEqual(['batch 3']);
  });

  it('falls back to one render per frame without renderBatch, and for a single frame', async () => {
    const plain = recordingRenderer(false);
    expect((await renderFrames(plain.renderer, [input(1), input(2)], {})).map((f) => f.data[0])).toEqual([
      1, 2,
    ]);
    expect(plain.calls).toEqual(['render', 'render']);
    const batched = recordingRenderer(true);
    await renderFrames(batched.renderer, [input(5)], {});
    expect(batched.calls).toEqual(['render']);
  });
});
