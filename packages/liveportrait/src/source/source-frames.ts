import {
  concatFirstAxis,
  createTensor,
  type Float32Tensor,
  type MotionFrame,
  type RendererV1,
  type RgbImage,
  type RunOptions,
  type SessionFeed,
  throwIfAborted,
} from '@joyvasa/core';
import { padBatch } from '../bundle/fixed-batch.js';
import { isLivePortraitRenderer, type LivePortraitRenderer } from '../bundle/live-portrait-renderer.js';
import { tensorToImage } from '../image/image-tensor.js';
import type { KeypointDriver } from '../motion/keypoint-driver.js';
import { keypointCount } from '../motion/keypoint-info.js';
import { type PasteBackMask, pasteBack } from '../paste-back/paste-back.js';
import type { DevicePasteBackRunner, PasteBackRunner } from '../paste-back/paste-back-session.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/** What one source's frame loop is made of: its models' renderer and paste-back, and the source's state. */
export interface SourceFrameParts {
  readonly renderer: RendererV1;
  readonly driver: KeypointDriver;
  /** F's features `[1, 32, 16, 64, 64]`. */
  readonly features: Float32Tensor;
  /** The image frames are pasted into, and its mask; no mask: frames are the 512x512 crop. */
  readonly image: RgbImage;
  readonly mask: PasteBackMask | null;
  /** The paste-back graph's runner, on GPUs; else paste-back runs in TypeScript. */
  readonly sessionPasteBack?: PasteBackRunner;
  /**
   * The paste-back graph's runner for images left on the device: with a renderer that leaves them there
   * (`renderKeypointsOnDevice`), a batch's images never come to the host; only its 8-bit frames do.
   */
  readonly devicePasteBack?: DevicePasteBackRunner;
}

/** A source's frame loop: N frames of motion to N composed frames. */
export interface SourceFrames {
  render(frames: readonly MotionFrame[], options?: RunOptions): Promise<RgbImage[]>;
  compose(rendered: Float32Tensor, options?: RunOptions): Promise<RgbImage[]>;
  /** Frees what the loop holds on the device (the uploaded feature volume). */
  dispose(): Promise<void>;
}

const keypointValues = 3 * keypointCount;

/**
 * The frame loop of one source: the keypoint driver and stitching for the N frames as one batch, the
 * renderer once (the bundle's graphs from keypoint tensors, the source's features handed to the session once
 * per video; a caller's `RendererV1` frame by frame or by its `renderBatch`), then paste-back of the batch.
 */
export function createSourceFrames(parts: SourceFrameParts): SourceFrames {
  const { renderer, driver, features, image, mask, sessionPasteBack, devicePasteBack } = parts;
  let held: Promise<SessionFeed> | undefined;
  let repeated: Float32Tensor | undefined;
  /** The widest batch this source has rendered: shorter ones are padded to it (bundle graphs only). */
  let batchShape = 0;
  /** `x_s` once per frame of the batch, the shape W's `kp_source` takes; rebuilt only when N changes. */
  const sourceRows = (count: number) => {
    if (repeated?.dims[0] !== count) {
      const data = new Float32Array(count * keypointValues);
      for (let i = 0; i < count; i++) data.set(driver.sourceKeypoints, i * keypointValues);
      repeated = createTensor('float32', [count, keypointCount, 3], data);
    }
    return repeated;
  };

  /** The built-in renderer's arguments for `count` frames: the held features, `x_s` per frame, `x_d`. */
  async function keypointArgs(builtIn: LivePortraitRenderer, driving: Float32Array, count: number) {
    held ??= builtIn.holdFeatures(features);
    const drivingKeypoints = createTensor('float32', [count, keypointCount, 3], driving);
    return [await held, sourceRows(count), drivingKeypoints] as const;
  }

  /**
   * Render and paste-back with the images staying on the device between the two graphs, where the renderer
   * and the paste-back graph both offer it; undefined otherwise.
   */
  async function renderOnDevice(driving: Float32Array, count: number, options: RunOptions) {
    if (!mask || !devicePasteBack || !isLivePortraitRenderer(renderer)) return undefined;
    // A renderer at a fixed batch leaves that many images on the device: more frames take the host path.
    if (!renderer.renderKeypointsOnDevice || count > (renderer.batch ?? count)) return undefined;
    const args = await keypointArgs(renderer, driving, count);
    const images = await renderer.renderKeypointsOnDevice(...args, options);
    try {
      throwIfAborted(options.signal);
      return await devicePasteBack(images, options);
    } finally {
      await images.dispose();
    }
  }

  async function renderImages(driving: Float32Array, count: number, options: RunOptions) {
    if (isLivePortraitRenderer(renderer)) {
      return renderer.renderKeypoints(...(await keypointArgs(renderer, driving, count)), options);
    }
    const sourceKeypoints = createTensor('float32', [1, keypointCount, 3], driver.sourceKeypoints);
    const inputs = Array.from({ length: count }, (_, i) => ({
      features,
      sourceKeypoints,
      drivingKeypoints: createTensor(
        'float32',
        [1, keypointCount, 3],
        driving.subarray(i * keypointValues, (i + 1) * keypointValues),
      ),
    }));
    if (count > 1 && renderer.renderBatch)
      return concatFirstAxis(await renderer.renderBatch(inputs, options));
    const images: Float32Tensor[] = [];
    for (const input of inputs) images.push(await renderer.render(input, options));
    return count === 1 ? images[0]! : concatFirstAxis(images);
  }

  /** The 8-bit crop of the frame being pasted back, reused frame after frame (it never leaves). */
  let crop: Uint8Array | undefined;
  async function compose(rendered: Float32Tensor, options: RunOptions = {}): Promise<RgbImage[]> {
    if (mask && sessionPasteBack) return sessionPasteBack(rendered, options);
    const count = rendered.dims[0]!;
    const images: RgbImage[] = [];
    for (let i = 0; i < count; i++) {
      // Per-pixel work on the calling thread: the caller's own work (a server, a page) gets a turn before
      // each step, so it waits for one step at most, not for the whole batch.
      await yieldToEventLoop();
      throwIfAborted(options.signal);
      if (!mask) {
        images.push(tensorToImage(rendered, i));
        continue;
      }
      crop ??= new Uint8Array(rendered.data.length / count);
      const cropImage = tensorToImage(rendered, i, crop);
      await yieldToEventLoop();
      images.push(pasteBack(cropImage, image, mask));
    }
    return images;
  }

  return {
    async render(frames, options = {}) {
      if (frames.length === 0) return [];
      const count = frames.length;
      const driving = await driver.driveBatch(frames, options);
      throwIfAborted(options.signal);
      // A caller's renderer renders what it is given. The bundle's graphs keep one batch shape per source
      // (the last frame repeated): each CUDA convolution keeps the plan of one input shape only, so a short
      // last batch re-planned every convolution (on the H100 render batch 8 ran slower than batch 1).
      const batch = isLivePortraitRenderer(renderer) ? Math.max(count, batchShape) : count;
      batchShape = batch;
      const padded = padBatch(createTensor('float32', [count, keypointCount, 3], driving), batch).data;
      let images = await renderOnDevice(padded, batch, options);
      if (!images) {
        const rendered = await renderImages(padded, batch, options);
        throwIfAborted(options.signal);
        images = await compose(rendered, options);
      }
      return images.length > count ? images.slice(0, count) : images;
    },
    compose,
    async dispose() {
      const feed = await held?.catch(() => undefined);
      held = undefined;
      if (feed && feed !== features && 'dispose' in feed) await feed.dispose();
    },
  };
}
