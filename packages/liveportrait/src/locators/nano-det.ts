import {
  createTensor,
  graphIo,
  InvalidInputError,
  type RgbImage,
  type SessionV1,
  type TensorLike,
} from '@joyvasa/core';
import type { FaceBox } from '../crop/crop-image.js';
import { nonMaxSuppression } from '../detection/non-max-suppression.js';
import { type Roi, roiInput } from './roi-input.js';

/** Side of the NanoDet-m input. */
export const nanoDetInputSize = 416;

/** COCO class indices NanoDet reports for the animals LivePortrait animates. */
export const nanoDetAnimalClasses = { cat: 15, dog: 16 } as const;

/** One detected animal, in original pixels. */
export interface NanoDetDetection {
  /** The whole animal's box (NanoDet finds bodies, not faces). */
  readonly box: FaceBox;
  readonly score: number;
  readonly label: keyof typeof nanoDetAnimalClasses;
}

/** Options of {@link detectNanoDetAnimals}. */
export interface NanoDetOptions {
  /** Minimum class score. Default 0.35. */
  readonly threshold?: number;
  /** IoU above which the lower-scored box is dropped. Default 0.6. */
  readonly nmsThreshold?: number;
  readonly signal?: AbortSignal;
}

// NanoDet's training normalisation, per BGR channel.
const bgrMean = [103.53, 116.28, 123.675];
const bgrStd = [57.375, 57.12, 58.395];

/** The letterboxed image as NanoDet takes it: NCHW, BGR, `(pixel − mean) / std`. */
function nanoDetInput(image: RgbImage) {
  const roi: Roi = {
    center: [image.width / 2, image.height / 2],
    size: Math.max(image.width, image.height),
    angle: 0,
  };
  const input = roiInput(image, roi, nanoDetInputSize, 1, 0);
  const plane = nanoDetInputSize * nanoDetInputSize;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++)
      data[(2 - c) * plane + i] = (input.tensor.data[i * 3 + c]! - bgrMean[2 - c]!) / bgrStd[2 - c]!;
  return {
    tensor: createTensor('float32', [1, 3, nanoDetInputSize, nanoDetInputSize], data),
    toImage: input.toImage,
  };
}

/** Expected distance of one side: softmax over the 11 bins of the GFL distribution, `Σ i·p_i`. */
function sideDistance(logits: Float32Array, offset: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 11; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < 11; i++) {
    const p = Math.exp(logits[offset + i]! - max);
    sum += p;
    weighted += i * p;
  }
  return weighted / sum;
}

/**
 * Decodes NanoDet-m's three levels (strides 8, 16, 32 on 416 px: 52², 26², 13² cells) as its GFL head: class
 * scores are already sigmoids; each side's distance is the expectation of its 11-bin distribution times the
 * stride, from the cell centre `(x + 0.5)·stride`. Only cats and dogs are kept; greedy NMS over both. In
 * input pixels, highest score first.
 */
export function decodeNanoDet(
  outputs: Record<string, TensorLike>,
  options: NanoDetOptions = {},
): NanoDetDetection[] {
  const threshold = options.threshold ?? 0.35;
  const tensors = Object.values(outputs);
  const found: NanoDetDetection[] = [];
  for (const scores of tensors.filter((tensor) => tensor.dims[2] === 80)) {
    const cells = scores.dims[1]!;
    const boxes = tensors.find((tensor) => tensor.dims[2] === 44 && tensor.dims[1] === cells);
    const grid = Math.round(Math.sqrt(cells));
    if (!boxes || grid * grid !== cells)
      throw new InvalidInputError(
        'animal detector outputs',
        `expected NanoDet levels [1, n, 80] and [1, n, 44], got n = ${cells}`,
      );
    const stride = nanoDetInputSize / grid;
    const s = scores.data as Float32Array;
    const r = boxes.data as Float32Array;
    for (let cell = 0; cell < cells; cell++) {
      for (const [label, index] of Object.entries(nanoDetAnimalClasses)) {
        const score = s[cell * 80 + index]!;
        if (!(score >= threshold)) continue;
        const cx = ((cell % grid) + 0.5) * stride;
        const cy = (Math.floor(cell / grid) + 0.5) * stride;
        const [l, t, right, b] = [0, 1, 2, 3].map((side) => sideDistance(r, cell * 44 + side * 11) * stride);
        found.push({
          box: [cx - l!, cy - t!, cx + right!, cy + b!],
          score,
          label: label as NanoDetDetection['label'],
        });
      }
    }
  }
  const order = found.map((_, i) => i).sort((a, b) => found[b]!.score - found[a]!.score);
  const flat = found.flatMap((detection) => [...detection.box]);
  return nonMaxSuppression(flat, order, options.nmsThreshold ?? 0.6).map((i) => found[i]!);
}

/** Runs NanoDet on the whole image (letterboxed into 416×416) and maps the cats and dogs back. */
export async function detectNanoDetAnimals(
  image: RgbImage,
  session: SessionV1,
  options: NanoDetOptions = {},
): Promise<NanoDetDetection[]> {
  const input = nanoDetInput(image);
  const outputs = await session.run(
    { [graphIo.nanodetDetector.inputs.image]: input.tensor },
    options.signal ? { signal: options.signal } : {},
  );
  return decodeNanoDet(outputs, options).map((detection) => {
    const corners = input.toImage(detection.box);
    return { ...detection, box: [corners[0]!, corners[1]!, corners[2]!, corners[3]!] };
  });
}
