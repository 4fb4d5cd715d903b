import type { FaceLocation, FaceLocatorV1, LocateFaceOptions, RgbImage, SessionV1 } from '@joyvasa/core';
import { boxArea } from '../detection/face-detection.js';
import { assertPixelImage } from '../image/pixel-image.js';
import { type BlazeFaceDetection, detectBlazeFaces } from './blaze-face.js';
import { faceMeshRoiScale, pointsBox, roiFromMesh, runFaceMesh } from './face-mesh.js';
import { faceMeshCropLandmarks, faceMeshOpenness } from './face-mesh-points.js';
import type { Roi } from './roi-input.js';

/** BlazeFace's own score threshold: candidates below it are not meshed. */
const blazeFaceThreshold = 0.5;

/**
 * Default threshold of the locator's score, BlazeFace's score times FaceMesh's face presence on the
 * detection's ROI. On ../shared/data the human, painted and cartoon faces score 0.81–0.97, the dogs at most
 * 0.61 (BlazeFace alone gives a shiba inu 0.79), cats are not detected; a capuchin monkey scores 0.87.
 */
export const mediaPipeFaceThreshold = 0.7;

/** The two sessions of the MediaPipe locator. */
export interface MediaPipeFaceSessions {
  /** BlazeFace (back-camera model, 256 px). */
  readonly detector: SessionV1;
  /** FaceMesh (468 points, 192 px). */
  readonly mesh: SessionV1;
}

/** The FaceMesh ROI of a detection: its box's centre and longer side × 1.5, rolled by the eye keypoints. */
export function roiFromDetection(detection: BlazeFaceDetection): Roi {
  const [x1, y1, x2, y2] = detection.box;
  const k = detection.keypoints;
  return {
    center: [(x1 + x2) / 2, (y1 + y2) / 2],
    size: Math.max(x2 - x1, y2 - y1) * faceMeshRoiScale,
    angle: Math.atan2(k[3]! - k[1]!, k[2]! - k[0]!),
  };
}

/**
 * The licence-clean face locator: MediaPipe BlazeFace finds the faces, the largest box
 * that passes {@link mediaPipeFaceThreshold} is the face to animate, FaceMesh places its 468 points in two passes (the detection's ROI, then the
 * ROI of the first pass's points, as MediaPipe's tracking does, which makes the points steadier). The face
 * box is the mesh's extent; `cropLandmarks` are 68 iBUG-layout points and `openness` the official ratios
 * from their FaceMesh equivalents (see `faceMeshTo68`, `faceMeshOpennessPoints`).
 */
export function createMediaPipeFaceLocator(sessions: MediaPipeFaceSessions): FaceLocatorV1 {
  return {
    specificationVersion: 'v1',
    name: 'mediapipe',
    subject: 'human',
    async locate(image: RgbImage, options: LocateFaceOptions = {}): Promise<FaceLocation | null> {
      assertPixelImage('image', image);
      const run = options.signal ? { signal: options.signal } : {};
      const detections = await detectBlazeFaces(image, sessions.detector, {
        ...run,
        threshold: blazeFaceThreshold,
      });
      const threshold = options.threshold ?? mediaPipeFaceThreshold;
      const ordered = [...detections].sort((a, b) => boxArea(b.box) - boxArea(a.box));
      for (const [index, detection] of ordered.entries()) {
        const first = await runFaceMesh(image, sessions.mesh, roiFromDetection(detection), run);
        const score = detection.score * first.presence;
        if (!(score >= threshold)) continue;
        const { points } = await runFaceMesh(image, sessions.mesh, roiFromMesh(first.points), run);
        return {
          face: {
            box: pointsBox(points),
            score,
            cropLandmarks: faceMeshCropLandmarks(points),
            openness: faceMeshOpenness(points),
          },
          others: ordered.filter((_, i) => i !== index).map(({ box, score }) => ({ box, score })),
        };
      }
      return null;
    },
    async dispose() {
      await Promise.all([sessions.detector.dispose(), sessions.mesh.dispose()]);
    },
  };
}
