import {
  createTensor,
  type DeviceTensor,
  type Float32Tensor,
  graphIo,
  type RgbImage,
  type RunOptions,
  SessionRunError,
  type SessionV1,
} from '@joyvasa/core';
import { invertAffine } from '../image/affine.js';
import type { PasteBackMask } from './paste-back.js';

/** Paste-back of rendered frames `[N, 3, S, S]`: N finished frames, on whatever device the function uses. */
export type PasteBackRunner = (rendered: Float32Tensor, options?: RunOptions) => Promise<RgbImage[]>;

/**
 * Paste-back of rendered frames that a render graph left on the device (`SessionV1.runToDevice`, same
 * backend): only the finished 8-bit frames come back to the host.
 */
export type DevicePasteBackRunner = (rendered: DeviceTensor, options?: RunOptions) => Promise<RgbImage[]>;

/** The paste-back graph's runners for one source. */
export interface SessionPasteBack {
  readonly paste: PasteBackRunner;
  /** Present for a batched graph (one run takes the whole batch, as it lies on the device). */
  readonly pasteOnDevice?: DevicePasteBackRunner;
  dispose(): Promise<void>;
}

/** The bundle's `paste_back` graph and whether it takes a batch (bundles before batching take one frame). */
export interface PasteBackGraph {
  readonly session: SessionV1;
  readonly batched: boolean;
}

/**
 * Paste-back by the bundle's `paste_back` graph, for one source: the generator's images go in, the finished
 * frames come out (8-bit, in one run for a batched graph), with no per-pixel work on the host. Same result
 * as `tensorToImage` then `pasteBack`, within one 8-bit level on rare pixels (float32 sample positions).
 * The original, the mask and the matrix are handed to the session once, when it can hold them.
 */
export async function createSessionPasteBack(
  graph: PasteBackGraph,
  original: RgbImage,
  mask: PasteBackMask,
): Promise<SessionPasteBack> {
  const { session, batched } = graph;
  const inverse = invertAffine('mC2o', mask.mC2o);
  const { inputs, outputs } = graphIo.pasteBack;
  const constants = {
    [inputs.original]: createTensor('uint8', [original.height, original.width, 3], original.data),
    [inputs.weights]: createTensor('float32', [mask.height, mask.width], mask.weights),
    [inputs.inverse]: createTensor('float32', [6], Float32Array.from(inverse.slice(0, 6))),
  };
  const held = session.upload
    ? await Promise.all(Object.values(constants).map((tensor) => session.upload!(tensor)))
    : [];
  const feeds = session.upload
    ? Object.fromEntries(Object.keys(constants).map((name, i) => [name, held[i]!]))
    : constants;
  const frameSize = original.width * original.height * 3;
  const run = async (rendered: Float32Tensor | DeviceTensor, options?: RunOptions): Promise<RgbImage[]> => {
    const result = await session.run({ ...feeds, [inputs.image]: rendered }, options);
    const frames = result[outputs.frame];
    if (frames?.type !== 'uint8') throw new SessionRunError('paste_back', 'no uint8 `frame` output');
    const data = frames.data as Uint8Array;
    return Array.from({ length: data.length / frameSize }, (_, i) => ({
      width: original.width,
      height: original.height,
      channels: 3,
      data: data.subarray(i * frameSize, (i + 1) * frameSize),
    }));
  };
  return {
    ...(batched ? { pasteOnDevice: run } : {}),
    async paste(rendered, options) {
      const count = rendered.dims[0]!;
      if (batched || count === 1) return run(rendered, options);
      // A graph written before batching: one run per frame.
      const images: RgbImage[] = [];
      const size = rendered.data.length / count;
      for (let i = 0; i < count; i++) {
        const frame = rendered.data.subarray(i * size, (i + 1) * size);
        images.push(...(await run(createTensor('float32', [1, ...rendered.dims.slice(1)], frame), options)));
      }
      return images;
    },
    async dispose() {
      await Promise.all(held.map((tensor) => tensor.dispose()));
    },
  };
}
