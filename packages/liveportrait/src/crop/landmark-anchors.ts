import { InvalidInputError } from '@joyvasa/core';

/** The two points a crop is oriented by: the centre of the eyes and the centre of the mouth, pixels. */
export interface LandmarkAnchors {
  readonly eye: readonly [number, number];
  readonly lip: readonly [number, number];
}

/**
 * Landmark layouts the crop understands, by point count:
 * - 106: InsightFace `2d106det`; 203: LivePortrait `landmark.onnx`; 101 (and more than 101 points, whose
 *   first 101 are used); 68: iBUG; 5: SCRFD / RetinaFace (left eye, right eye, nose, left and right mouth
 *   corner); 9: the animal face of X-Pose (right eye right, right eye left, left eye right, left eye left,
 *   nose tip, lip right, lip left, upper lip, lower lip).
 */
export const landmarkLayouts = [5, 9, 68, 101, 106, 203] as const;

/** Mean of the points with these indices. */
function mean(points: ArrayLike<number>, indices: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += points[2 * i]!;
    y += points[2 * i + 1]!;
  }
  return [x / indices.length, y / indices.length];
}

function midpoint(a: readonly [number, number], b: readonly [number, number]): [number, number] {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}

/**
 * The eye and lip anchors of a landmark set (LivePortrait's `parse_pt2_from_pt*` with `use_lip`).
 * `points` is flat `[x0, y0, x1, y1, …]`; the layout is chosen by the point count (see
 * {@link landmarkLayouts}). Throws {@link InvalidInputError} for an unknown count or non-finite values.
 */
export function landmarkAnchors(points: ArrayLike<number>): LandmarkAnchors {
  if (points.length % 2 !== 0) {
    throw new InvalidInputError('landmarks', `expected (x, y) pairs, got ${points.length} values`);
  }
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) throw new InvalidInputError('landmarks', `value ${i} is ${points[i]}`);
  }
  const count = points.length / 2;
  switch (count) {
    case 106:
      return {
        eye: midpoint(mean(points, [33, 35, 40, 39]), mean(points, [87, 89, 94, 93])),
        lip: mean(points, [52, 61]),
      };
    case 203:
      return {
        eye: midpoint(mean(points, [0, 6, 12, 18]), mean(points, [24, 30, 36, 42])),
        lip: mean(points, [48, 66]),
      };
    case 68:
      // 1-based iBUG indices 37/40 and 43/46 are the eye corners, 49/55 the mouth corners.
      return {
        eye: midpoint(mean(points, [36, 39]), mean(points, [42, 45])),
        lip: mean(points, [48, 54]),
      };
    case 5:
      return { eye: mean(points, [0, 1]), lip: mean(points, [3, 4]) };
    case 9: {
      const leftEye = mean(points, [2, 3]);
      const rightEye = mean(points, [0, 1]);
      return { eye: midpoint(leftEye, rightEye), lip: mean(points, [5, 6]) };
    }
    default:
      if (count >= 101) {
        return {
          eye: midpoint(mean(points, [39, 42, 45, 48]), mean(points, [51, 54, 57, 60])),
          lip: mean(points, [75, 81]),
        };
      }
      throw new InvalidInputError(
        'landmarks',
        `${count} points is not a known layout; pass ${landmarkLayouts.join(', ')} or more than 101 points`,
      );
  }
}
