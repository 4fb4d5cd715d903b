import {
  type FaceBox,
  graphIo,
  InvalidInputError,
  type RgbImage,
  type RunOptions,
  type SessionV1,
} from '@joyvasa/core';
import { type Roi, roiInput } from './roi-input.js';

/** Side of the FaceMesh input. */
export const faceMeshInputSize = 192;

/** ROI side over the face's extent, as MediaPipe's detection-to-ROI and landmarks-to-ROI steps (1.5). */
export const faceMeshRoiScale = 1.5;

/** FaceMesh's answer for one ROI, in original pixels. */
export interface FaceMeshResult {
  /** 468 points flat `[x, y]`. */
  readonly points: Float32Array;
  /** The face-presence score, 0..1. */
  readonly presence: number;
}

/** The axis-aligned box of flat `[x, y]` points. */
export function pointsBox(points: ArrayLike<number>): FaceBox {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    [minX, maxX] = [Math.min(minX, points[i]!), Math.max(maxX, points[i]!)];
    [minY, maxY] = [Math.min(minY, points[i + 1]!), Math.max(maxY, points[i + 1]!)];
  }
  return [minX, minY, maxX, maxY];
}

/** The ROI of the next pass from mesh points: their box's centre, its longer side × 1.5, the eye line's roll. */
export function roiFromMesh(points: ArrayLike<number>): Roi {
  const [minX, minY, maxX, maxY] = pointsBox(points);
  // Outer eye corners 33 (image left) and 263: MediaPipe's rotation points of the landmark ROI.
  const angle = Math.atan2(points[2 * 263 + 1]! - points[2 * 33 + 1]!, points[2 * 263]! - points[2 * 33]!);
  return {
    center: [(minX + maxX) / 2, (minY + maxY) / 2],
    size: Math.max(maxX - minX, maxY - minY) * faceMeshRoiScale,
    angle,
  };
}

/**
 * Runs FaceMesh on one ROI: the rotated square warped to 192×192, `[0, 1]` input, the 468 (x, y) points of
 * `output_mesh` (x, y, z in input pixels) mapped back to the image. Outputs are told apart by width: 1404
 * (the mesh) and 1 (presence).
 */
export async function runFaceMesh(
  image: RgbImage,
  session: SessionV1,
  roi: Roi,
  options: RunOptions = {},
): Promise<FaceMeshResult> {
  const input = roiInput(image, roi, faceMeshInputSize, 1 / 255, 0);
  const outputs = Object.values(
    await session.run({ [graphIo.mediapipeFaceMesh.inputs.image]: input.tensor }, options),
  );
  const mesh = outputs.find((tensor) => tensor.data.length === 1404);
  const presence = outputs.find((tensor) => tensor.data.length === 1);
  if (!mesh || !presence)
    throw new InvalidInputError(
      'face mesh outputs',
      'expected FaceMesh outputs of 1404 (468 × xyz) and 1 values',
    );
  const xy = new Float32Array(936);
  for (let i = 0; i < 468; i++) {
    xy[2 * i] = (mesh.data as Float32Array)[3 * i]!;
    xy[2 * i + 1] = (mesh.data as Float32Array)[3 * i + 1]!;
  }
  return { points: input.toImage(xy), presence: (presence.data as Float32Array)[0]! };
}
