import type { FaceLocation, FaceLocatorV1, FaceOpenness, LocateFaceOptions, RgbImage } from '@joyvasa/core';
import { eyeCloseRatios, lipCloseRatio } from '../motion/retargeting-ratios.js';
import { detectFaces, type FaceSessions } from './detect-face.js';
import { detectLandmarks106 } from './landmark-106.js';
import { detectLandmarks203 } from './landmark-203.js';
import { scrfdDefaultThreshold } from './scrfd.js';

/** Eye and lip opening measured on 203 landmarks (any coordinates: the ratios ignore similarity transforms). */
export function opennessFromLandmarks203(landmarks203: ArrayLike<number>): FaceOpenness {
  return { eyes: eyeCloseRatios(landmarks203), lip: lipCloseRatio(landmarks203) };
}

/**
 * The official face locator as a {@link FaceLocatorV1}: InsightFace SCRFD (`det_10g.onnx`, 512 letterbox,
 * threshold {@link scrfdDefaultThreshold} unless `options.threshold`), the largest face, its 106
 * landmarks (`2d106det.onnx`, what the crop is placed by) and, when the `landmark203` session is given,
 * LivePortrait's 203 landmarks for the eye and lip openness. Returns null when no face passes the threshold.
 * The sessions stay the caller's (`loadLivePortrait`'s models dispose them), so the locator has no `dispose`.
 */
export function createInsightFaceLocator(sessions: FaceSessions): FaceLocatorV1 {
  return {
    specificationVersion: 'v1',
    name: 'insightface',
    subject: 'human',
    async locate(image: RgbImage, options: LocateFaceOptions = {}): Promise<FaceLocation | null> {
      const run = options.signal ? { signal: options.signal } : {};
      const threshold = options.threshold ?? scrfdDefaultThreshold;
      const faces = await detectFaces(image, sessions.detector, { ...run, threshold });
      const face = faces[0];
      if (!face) return null;
      const cropLandmarks = await detectLandmarks106(image, face.box, sessions.landmark106, run);
      const landmarks203 = sessions.landmark203
        ? await detectLandmarks203(image, cropLandmarks, sessions.landmark203, run)
        : null;
      return {
        face: {
          box: face.box,
          score: face.score,
          cropLandmarks,
          openness: landmarks203 ? opennessFromLandmarks203(landmarks203) : null,
        },
        others: faces.slice(1).map(({ box, score }) => ({ box, score })),
      };
    },
  };
}
