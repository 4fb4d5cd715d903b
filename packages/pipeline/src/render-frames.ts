import type { Float32Tensor, RendererV1, RenderInput, RunOptions } from '@joyvasa/core';

/**
 * Renders frames of one source in order: in one `renderBatch` call when the renderer has it and there is
 * more than one frame, otherwise one `render` call per frame.
 */
export async function renderFrames(
  renderer: RendererV1,
  inputs: readonly RenderInput[],
  options: RunOptions,
): Promise<Float32Tensor[]> {
  if (inputs.length > 1 && renderer.renderBatch) return renderer.renderBatch(inputs, options);
  const images: Float32Tensor[] = [];
  for (const input of inputs) images.push(await renderer.render(input, options));
  return images;
}
