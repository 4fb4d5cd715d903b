import type { FaceBox } from '../crop/crop-image.js';

/** One detected face, in original-image pixels. */
export interface FaceDetection {
  /** `[x1, y1, x2, y2]`. */
  readonly box: FaceBox;
  /** Detector confidence, 0..1. */
  readonly score: number;
  /**
   * The detector's 5 points flat `[x, y] × 5` (left eye, right eye, nose, left and right mouth corner, as
   * seen in the image), or null for a detector without keypoints.
   */
  readonly keypoints: Float32Array | null;
}

/** Box area as the official `sort_by_direction('large-small')` computes it: `(x2 − x1)·(y2 − y1)`. */
export function boxArea(box: FaceBox): number {
  return (box[2] - box[0]) * (box[3] - box[1]);
}

/** Faces ordered largest box first; equal areas keep their order (Python's stable `sorted`). */
export function sortLargestFirst(faces: readonly FaceDetection[]): FaceDetection[] {
  return faces
    .map((face, index) => ({ face, index, area: boxArea(face.box) }))
    .sort((a, b) => b.area - a.area || a.index - b.index)
    .map(({ face }) => face);
}
