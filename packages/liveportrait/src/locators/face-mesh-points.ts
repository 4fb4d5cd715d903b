import type { FaceOpenness } from '@joyvasa/core';

/**
 * FaceMesh (468 points) indices standing for the 68 iBUG points, in iBUG order: the crop understands the
 * 68-point layout, whose eye centres (corner midpoints 36/39, 42/45) and lip centre (corners 48/54) play
 * the part of the official 106-point eye centres and 203-point lip centre, and whose extent (jaw, brows)
 * matches the 203-point contour the official crop measures. "Left" is the image's left (the subject's
 * right eye). Chosen from MediaPipe's canonical contours (`FACEMESH_FACE_OVAL`, `_LIPS`, `_LEFT_EYE`, …).
 */
export const faceMeshTo68: readonly number[] = [
  // Jaw, image-left temple → chin (152) → image-right temple.
  127, 234, 93, 132, 58, 172, 136, 149, 152, 378, 365, 397, 288, 361, 323, 454, 356,
  // Brows: image-left outer → inner, image-right inner → outer.
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  // Nose bridge (168 → tip 4) and the base under the nostrils.
  168, 6, 197, 4, 98, 97, 2, 326, 327,
  // Image-left eye: outer corner 33, upper lid 160 158, inner corner 133, lower lid 153 144.
  33, 160, 158, 133, 153, 144,
  // Image-right eye: inner corner 362, upper lid 385 387, outer corner 263, lower lid 373 380.
  362, 385, 387, 263, 373, 380,
  // Outer lips from the image-left corner 61 over the top (0) to 291 and back along the bottom (17).
  61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91,
  // Inner lips: corner 78, top 81 13 311, corner 308, bottom 402 14 178.
  78, 81, 13, 311, 308, 402, 14, 178,
];

/**
 * FaceMesh pairs measuring the official openness ratios (`calc_eye_close_ratio`, `calc_lip_close_ratio`
 * on 203 points: lid distance over eye width, inner-lip distance over mouth width). Eye `[0]` is the
 * image-left eye: lids 159 / 145 over corners 33 / 133; eye `[1]`: lids 386 / 374 over corners 362 / 263;
 * lip: inner-lip middles 13 / 14 over the mouth corners 61 / 291.
 */
export const faceMeshOpennessPoints = {
  eyes: [
    [159, 145, 33, 133],
    [386, 374, 362, 263],
  ],
  lip: [13, 14, 61, 291],
} as const;

/** `|a − b| / (|c − d| + 1e-6)` on flat (x, y) points, as the official `calculate_distance_ratio`. */
function ratio(points: ArrayLike<number>, [a, b, c, d]: readonly number[]): number {
  const distance = (i: number, j: number) =>
    Math.hypot(points[2 * i]! - points[2 * j]!, points[2 * i + 1]! - points[2 * j + 1]!);
  return distance(a!, b!) / (distance(c!, d!) + 1e-6);
}

/** The 68-point crop layout picked from 468 FaceMesh points (flat `[x, y]`). */
export function faceMeshCropLandmarks(mesh: ArrayLike<number>): Float32Array {
  const out = new Float32Array(faceMeshTo68.length * 2);
  faceMeshTo68.forEach((index, i) => {
    out[2 * i] = mesh[2 * index]!;
    out[2 * i + 1] = mesh[2 * index + 1]!;
  });
  return out;
}

/** Eye and lip openness from 468 FaceMesh points (flat `[x, y]`), see {@link faceMeshOpennessPoints}. */
export function faceMeshOpenness(mesh: ArrayLike<number>): FaceOpenness {
  const [left, right] = faceMeshOpennessPoints.eyes;
  return { eyes: [ratio(mesh, left), ratio(mesh, right)], lip: ratio(mesh, faceMeshOpennessPoints.lip) };
}
