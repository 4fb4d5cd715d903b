import { createTensor, type Float32Tensor, type RendererV1 } from '@joyvasa/core';

/**
 * A renderer as costly as allocating its output: a grey level that follows the driving keypoints, so
 * frames still show the motion. For runs that measure or test everything but the warping and generator.
 */
export function cheapRenderer(size = 512): RendererV1 {
  return {
    specificationVersion: 'v1',
    outputSize: { width: size, height: size },
    async render(input): Promise<Float32Tensor> {
      const level = 0.5 + 0.4 * Math.tanh(input.drivingKeypoints.data.reduce((a, b) => a + b, 0));
      return createTensor('float32', [1, 3, size, size], new Float32Array(3 * size * size).fill(level));
    },
  };
}
