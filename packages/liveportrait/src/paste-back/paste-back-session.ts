import {
  createTensor,
  type Float32Tensor,
  graphIo,
  type RgbImage,
  type RunOptions,
  SessionRunError,
  type SessionV1,
} from '@joyvasa/core';
import { invertAffine } from '../image/affine.js';
import type { PasteBackMask } from './paste-back.js';

/** Paste-back of one rendered frame, on whatever device the function uses. */
export type PasteBackRunner = (rendered: Float32Tensor, options?: RunOptions) => Promise<RgbImage>;

/**
 * Paste-back by the bundle's `paste_back` graph, for one source: the generator's output tensor goes in,
 * the finished frame comes out, with no per-pixel work on the host. Same result as `tensorToImage` then
 * `pasteBack`, within one 8-bit level on rare pixels (float32 sample positions).
 */
export function createSessionPasteBack(
  session: SessionV1,
  original: RgbImage,
  mask: PasteBackMask,
): PasteBackRunner {
  const inverse = invertAffine('mC2o', mask.mC2o);
  const { inputs, outputs } = graphIo.pasteBack;
  const feeds = {
    [inputs.original]: createTensor('uint8', [original.height, original.width, 3], original.data),
    [inputs.weights]: createTensor('float32', [mask.height, mask.width], mask.weights),
    [inputs.inverse]: createTensor(
      'float32',
      [6],
      Float32Array.from([inverse[0]!, inverse[1]!, inverse[2]!, inverse[3]!, inverse[4]!, inverse[5]!]),
    ),
  };
  return async (rendered, options) => {
    const frame = (await session.run({ ...feeds, [inputs.image]: rendered }, options))[outputs.frame];
    if (frame?.type !== 'uint8') throw new SessionRunError('paste_back', 'no uint8 `frame` output');
    return { width: original.width, height: original.height, channels: 3, data: frame.data as Uint8Array };
  };
}
