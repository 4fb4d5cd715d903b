import { graphIo, InvalidInputError, type RgbImage, type SessionV1, type TensorLike } from '@joyvasa/core';
import type { FaceBox } from '../crop/crop-image.js';
import { nonMaxSuppression } from '../detection/non-max-suppression.js';
import { type Roi, roiInput } from './roi-input.js';

/** Side of the BlazeFace (back-camera, 256 px) input. */
export const blazeFaceInputSize = 256;

/** One BlazeFace detection in original pixels. */
export interface BlazeFaceDetection {
  readonly box: FaceBox;
  readonly score: number;
  /**
   * MediaPipe's 6 keypoints flat `[x, y] × 6`: the eye on the image's left (the subject's right), the
   * other eye, nose tip, mouth centre, the ear tragion on the image's left, the other.
   */
  readonly keypoints: Float32Array;
}

/** Options of {@link detectBlazeFaces}. */
export interface BlazeFaceOptions {
  /** Minimum score (sigmoid of the logit). Default 0.5. */
  readonly threshold?: number;
  /** IoU above which the lower-scored box is dropped. Default 0.3. */
  readonly nmsThreshold?: number;
}

/**
 * BlazeFace's SSD anchors for a 256 input (MediaPipe's `SsdAnchorsCalculator` with fixed anchor size):
 * a 16×16 grid with 2 anchors per cell, then an 8×8 grid with 6, centres at `(x + 0.5) / grid`.
 */
function anchors(): Float32Array {
  const layers = [
    { grid: 16, count: 2 },
    { grid: 8, count: 6 },
  ];
  const out: number[] = [];
  for (const { grid, count } of layers)
    for (let y = 0; y < grid; y++)
      for (let x = 0; x < grid; x++)
        for (let a = 0; a < count; a++) out.push((x + 0.5) / grid, (y + 0.5) / grid);
  return Float32Array.from(out);
}

const anchorCenters = anchors();

/** The score and regressor rows of one detection head, told apart by their widths (1 and 16). */
function headOutputs(outputs: Record<string, TensorLike>): { scores: Float32Array; boxes: Float32Array } {
  const byRows = (width: number) =>
    Object.values(outputs)
      .filter((tensor) => tensor.dims.length === 3 && tensor.dims[2] === width)
      .sort((a, b) => b.dims[1]! - a.dims[1]!);
  const scores = byRows(1);
  const boxes = byRows(16);
  const rows = (list: TensorLike[]) => list.reduce((sum, tensor) => sum + tensor.dims[1]!, 0);
  if (rows(scores) !== anchorCenters.length / 2 || rows(boxes) !== anchorCenters.length / 2)
    throw new InvalidInputError(
      'face detector outputs',
      'expected BlazeFace heads [1, 512|384, 1] and [1, 512|384, 16]',
    );
  const join = (list: TensorLike[]) =>
    Float32Array.from(list.flatMap((tensor) => Array.from(tensor.data as Float32Array)));
  return { scores: join(scores), boxes: join(boxes) };
}

/**
 * Decodes BlazeFace's raw heads as MediaPipe's `TensorsToDetectionsCalculator`: offsets in input pixels
 * (scale 256) from the anchor centres, width and height absolute, score `sigmoid(logit)`; then greedy NMS.
 * Results are in input pixels, highest score first.
 */
export function decodeBlazeFace(
  outputs: Record<string, TensorLike>,
  options: BlazeFaceOptions = {},
): BlazeFaceDetection[] {
  const { scores, boxes } = headOutputs(outputs);
  const threshold = options.threshold ?? 0.5;
  const size = blazeFaceInputSize;
  const found: BlazeFaceDetection[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, scores[i]!))));
    if (!(score >= threshold)) continue;
    const r = boxes.subarray(i * 16, i * 16 + 16);
    const [ax, ay] = [anchorCenters[2 * i]! * size, anchorCenters[2 * i + 1]! * size];
    const [cx, cy, w, h] = [ax + r[0]!, ay + r[1]!, r[2]!, r[3]!];
    const keypoints = new Float32Array(12);
    for (let k = 0; k < 6; k++) {
      keypoints[2 * k] = ax + r[4 + 2 * k]!;
      keypoints[2 * k + 1] = ay + r[5 + 2 * k]!;
    }
    found.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, keypoints });
  }
  const order = found.map((_, i) => i).sort((a, b) => found[b]!.score - found[a]!.score);
  const flat = found.flatMap((detection) => [...detection.box]);
  return nonMaxSuppression(flat, order, options.nmsThreshold ?? 0.3).map((i) => found[i]!);
}

/**
 * Runs BlazeFace on the whole image: letterboxed (centred, zeros around) into 256×256, `[-1, 1]` input,
 * detections mapped back to original pixels.
 */
export async function detectBlazeFaces(
  image: RgbImage,
  session: SessionV1,
  options: BlazeFaceOptions & { readonly signal?: AbortSignal } = {},
): Promise<BlazeFaceDetection[]> {
  const roi: Roi = {
    center: [image.width / 2, image.height / 2],
    size: Math.max(image.width, image.height),
    angle: 0,
  };
  const input = roiInput(image, roi, blazeFaceInputSize, 1 / 127.5, -1);
  const outputs = await session.run(
    { [graphIo.mediapipeFaceDetector.inputs.image]: input.tensor },
    options.signal ? { signal: options.signal } : {},
  );
  return decodeBlazeFace(outputs, options).map((detection) => {
    const corners = input.toImage(detection.box);
    return {
      box: [corners[0]!, corners[1]!, corners[2]!, corners[3]!],
      score: detection.score,
      keypoints: input.toImage(detection.keypoints),
    };
  });
}
