import { type Float32Tensor, InvalidInputError, type RgbImage, type TensorLike } from '@joyvasa/core';
import { assertPixelImage } from '../image/pixel-image.js';
import { resizeImage } from '../image/resize-image.js';
import type { FaceDetection } from './face-detection.js';
import { nonMaxSuppression } from './non-max-suppression.js';

/** The letterboxed detector input and the factor from original pixels to input pixels. */
export interface ScrfdInput {
  /** float32 `[1, 3, size, size]`, RGB, `(pixel − 127.5) / 128`, zero pixels (−0.99609375) as padding. */
  readonly tensor: Float32Tensor;
  /** Input pixels per original pixel (`det_scale = new_h / h`). */
  readonly scale: number;
}

/** The official detector threshold (`det_thresh` of the JoyVASA CLI and app). */
export const scrfdDefaultThreshold = 0.15;

/** Options of {@link decodeScrfdOutputs}. */
export interface ScrfdDecodeOptions {
  /** Side of the square detector input, pixels. Default 512. */
  readonly inputSize?: number;
  /** Minimum score kept (`det_thresh`). Default {@link scrfdDefaultThreshold}. */
  readonly threshold?: number;
  /** IoU above which a lower-scored box is suppressed. Default 0.4. */
  readonly nmsThreshold?: number;
  /** {@link ScrfdInput.scale}: boxes and points are divided by it. Default 1. */
  readonly scale?: number;
}

/**
 * SCRFD (`det_10g.onnx`) pre-processing as InsightFace's `SCRFD.detect`: fit the image into a `size`
 * square keeping its aspect (`new_w`, `new_h` truncated), bilinear resize, paste at the top-left of a
 * black canvas, then `(x − 127.5) / 128` in NCHW. The official code swaps BGR to RGB in `blobFromImage`
 * after converting RGB to BGR, so the network sees RGB: an {@link RgbImage} goes in unswapped.
 */
export function prepareScrfdInput(image: RgbImage, size = 512): ScrfdInput {
  assertPixelImage('image', image);
  const ratio = image.height / image.width;
  const [newW, newH] =
    ratio > 1 ? [Math.max(1, Math.trunc(size / ratio)), size] : [size, Math.max(1, Math.trunc(size * ratio))];
  const resized = resizeImage(image, newW, newH, 'bilinear');
  const plane = size * size;
  const data = new Float32Array(3 * plane).fill(-127.5 / 128);
  for (let y = 0; y < newH; y++) {
    for (let x = 0; x < newW; x++) {
      const p = (y * newW + x) * 3;
      const o = y * size + x;
      data[o] = (resized.data[p]! - 127.5) / 128;
      data[plane + o] = (resized.data[p + 1]! - 127.5) / 128;
      data[2 * plane + o] = (resized.data[p + 2]! - 127.5) / 128;
    }
  }
  return { tensor: { type: 'float32', dims: [1, 3, size, size], data }, scale: newH / image.height };
}

/** Strides and anchors per SCRFD variant, by number of outputs (as InsightFace's `_init_vars`). */
function variant(outputs: number): { strides: number[]; anchors: number; keypoints: boolean } {
  if (outputs === 6 || outputs === 9) return { strides: [8, 16, 32], anchors: 2, keypoints: outputs === 9 };
  if (outputs === 10 || outputs === 15)
    return { strides: [8, 16, 32, 64, 128], anchors: 1, keypoints: outputs === 15 };
  throw new InvalidInputError(
    'detector outputs',
    `an SCRFD detector has 6, 9, 10 or 15 outputs, got ${outputs}; pass det_10g.onnx (InsightFace buffalo_l)`,
  );
}

/** The float32 rows of one output, `[n, width]` or `[1, n, width]`. */
function rows(output: TensorLike | undefined, n: number, width: number, what: string): Float32Array {
  const dims = output?.dims ?? [];
  const shapeOk =
    output?.type === 'float32' &&
    output.data.length === n * width &&
    ((dims.length === 2 && dims[0] === n) || (dims.length === 3 && dims[0] === 1 && dims[1] === n));
  if (!shapeOk) {
    throw new InvalidInputError(
      'detector outputs',
      `${what} must be float32 [${n}, ${width}] (or [1, ${n}, ${width}]), got ${output?.type} [${dims.join(', ')}]`,
    );
  }
  return output!.data as Float32Array;
}

/**
 * SCRFD post-processing as InsightFace's `SCRFD.forward` + `detect`: outputs in the model's order (scores
 * for each stride, then box distances, then keypoint distances); anchor centres `(x·stride, y·stride)`,
 * repeated per anchor; boxes `(cx − d0, cy − d1, cx + d2, cy + d3)·stride`, points `c + d·stride`; keep
 * `score ≥ threshold`; divide by `scale`; sort by score; greedy NMS (IoU 0.4, `+1` areas) in original pixels.
 * Returns the kept faces in descending score order (ties: lower anchor index first).
 */
export function decodeScrfdOutputs(
  outputs: readonly TensorLike[],
  options: ScrfdDecodeOptions = {},
): FaceDetection[] {
  const { inputSize = 512, threshold = scrfdDefaultThreshold, nmsThreshold = 0.4, scale = 1 } = options;
  if (!(scale > 0)) throw new InvalidInputError('options.scale', `expected a positive number, got ${scale}`);
  const { strides, anchors, keypoints } = variant(outputs.length);
  const fmc = strides.length;
  const boxes: number[] = [];
  const points: number[] = [];
  const scores: number[] = [];
  strides.forEach((stride, level) => {
    const side = Math.floor(inputSize / stride);
    const n = side * side * anchors;
    const score = rows(outputs[level], n, 1, `scores (stride ${stride})`);
    const distance = rows(outputs[level + fmc], n, 4, `boxes (stride ${stride})`);
    const kps = keypoints ? rows(outputs[level + 2 * fmc], n, 10, `keypoints (stride ${stride})`) : null;
    for (let k = 0; k < n; k++) {
      if (!(score[k]! >= threshold)) continue;
      const location = Math.floor(k / anchors);
      const cx = (location % side) * stride;
      const cy = Math.floor(location / side) * stride;
      const d = k * 4;
      boxes.push(
        (cx - distance[d]! * stride) / scale,
        (cy - distance[d + 1]! * stride) / scale,
        (cx + distance[d + 2]! * stride) / scale,
        (cy + distance[d + 3]! * stride) / scale,
      );
      if (kps) {
        for (let j = 0; j < 5; j++) {
          points.push(
            (cx + kps[k * 10 + 2 * j]! * stride) / scale,
            (cy + kps[k * 10 + 2 * j + 1]! * stride) / scale,
          );
        }
      }
      scores.push(score[k]!);
    }
  });
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return nonMaxSuppression(boxes, order, nmsThreshold).map((i) => ({
    box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!] as const,
    score: scores[i]!,
    keypoints: keypoints ? Float32Array.from(points.slice(10 * i, 10 * i + 10)) : null,
  }));
}
