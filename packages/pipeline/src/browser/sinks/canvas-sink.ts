import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';
import { createFrameSink } from '../../sinks/create-frame-sink.js';
import type { FrameSinkV1 } from '../../sinks/frame-sink.js';

/** Options of {@link createCanvasSink}. */
export interface CanvasSinkOptions {
  /**
   * Holds each frame back until its time in the video (index / fps after the first frame), so frames that
   * are rendered faster than real time play at the video's speed. Default false: draw as soon as a frame
   * arrives, which is what a preview of slow (CPU or WASM) rendering wants.
   */
  readonly realTime?: boolean;
  /** Called after each frame is drawn, with its index (a frame counter, a seek bar). */
  readonly onFrame?: (index: number) => void;
}

/** The part of a 2D context the sink draws with; both canvas kinds' contexts have it. */
interface DrawingContext {
  createImageData(width: number, height: number): ImageData;
  putImageData(data: ImageData, dx: number, dy: number): void;
  clearRect(x: number, y: number, width: number, height: number): void;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * A {@link FrameSinkV1} that draws each frame onto a canvas (`<canvas>` or `OffscreenCanvas`, so it also
 * works in a worker), resizing the canvas to the frame size at `start` (scale it with CSS). It keeps no
 * frames: the canvas shows the latest one, and `finish` returns the count (`files` is empty). `abort`
 * clears the canvas. Audio is ignored; play it beside the canvas if you want it.
 */
export function createCanvasSink(
  canvas: HTMLCanvasElement | OffscreenCanvas,
  options: CanvasSinkOptions = {},
): FrameSinkV1 {
  if (typeof canvas?.getContext !== 'function') {
    throw new InvalidInputError('canvas', 'expected an HTMLCanvasElement or an OffscreenCanvas');
  }
  let context: DrawingContext | undefined;
  let pixels: ImageData | undefined;
  let firstFrameAt = 0;

  return createFrameSink({
    rgbOnly: true,
    start(info) {
      canvas.width = info.width;
      canvas.height = info.height;
      // The union of both canvases' getContext overloads is not callable as such; both return this shape.
      const found = (canvas as OffscreenCanvas).getContext('2d') as DrawingContext | null;
      if (!found) {
        throw new MissingDependencyError(
          'a 2d canvas context',
          'this canvas already has another kind of context (webgl, webgpu, bitmaprenderer); pass a fresh canvas',
        );
      }
      context = found;
      // One RGBA buffer for the whole run: frames are copied into it, never kept.
      pixels = context.createImageData(info.width, info.height);
    },
    async write(frame, index, info) {
      if (options.realTime) {
        if (index === 0) firstFrameAt = performance.now();
        const wait = firstFrameAt + (index * 1000) / info.fps - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const rgba = pixels!.data;
      const rgb = frame.data;
      for (let source = 0, target = 0; source < rgb.length; source += 3, target += 4) {
        rgba[target] = rgb[source]!;
        rgba[target + 1] = rgb[source + 1]!;
        rgba[target + 2] = rgb[source + 2]!;
        rgba[target + 3] = 255;
      }
      context!.putImageData(pixels!, 0, 0);
      options.onFrame?.(index);
    },
    abort() {
      context?.clearRect(0, 0, canvas.width, canvas.height);
      pixels = undefined;
    },
  });
}
