import type {
  FaceBox,
  FaceLocation,
  FaceLocatorV1,
  LocateFaceOptions,
  RgbImage,
  SessionV1,
} from '@joyvasa/core';
import type { CropOptions } from '../crop/crop-transform.js';
import { boxArea } from '../detection/face-detection.js';
import { assertPixelImage } from '../image/pixel-image.js';
import { detectNanoDetAnimals } from './nano-det.js';

/**
 * Where the head of a detected animal is taken to be: the top square of its box (side = the box's shorter
 * side, centred across). NanoDet boxes the whole cat or dog; in a portrait the head is at the top.
 */
export function animalHeadBox(box: FaceBox): FaceBox {
  const [x1, y1, x2, y2] = box;
  const side = Math.min(x2 - x1, y2 - y1);
  const cx = (x1 + x2) / 2;
  return [cx - side / 2, y1, cx + side / 2, y1 + side];
}

/**
 * The box crop of the head box: side 1.5× the head box, centred on it, upright. The official animal crop
 * places the crop by X-Pose's 9 face keypoints instead (centre on the eye-to-mouth axis, rolled with it,
 * side 2.3× the keypoints' extent); this one has no roll and its centre follows the box, not the face.
 */
export const animalBoxCropOptions: CropOptions = { scale: 1.5, vyRatio: 0 };

/**
 * Five points standing in the head box where a face's eyes, nose and mouth corners would be: the contract
 * asks for crop points, NanoDet has none. They are placed, not detected.
 */
function placedPoints([x1, y1, x2]: FaceBox): Float32Array {
  const side = x2 - x1;
  const cx = (x1 + x2) / 2;
  const at = (u: number, v: number) => [cx + u * side, y1 + v * side];
  return Float32Array.from([
    ...at(-0.2, 0.4),
    ...at(0.2, 0.4),
    ...at(0, 0.55),
    ...at(-0.15, 0.7),
    ...at(0.15, 0.7),
  ]);
}

/**
 * The licence-clean animal locator: NanoDet-m (COCO) finds cats and dogs (default score threshold 0.35), the
 * largest box is the animal; the face box is {@link animalHeadBox} of it, to be cropped with
 * {@link animalBoxCropOptions}. `openness` is null: there are no eye or lip points.
 */
export function createNanoDetAnimalLocator(session: SessionV1): FaceLocatorV1 {
  return {
    specificationVersion: 'v1',
    name: 'nanodet',
    subject: 'animal',
    async locate(image: RgbImage, options: LocateFaceOptions = {}): Promise<FaceLocation | null> {
      assertPixelImage('image', image);
      const found = await detectNanoDetAnimals(image, session, {
        ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const [largest, ...rest] = [...found].sort((a, b) => boxArea(b.box) - boxArea(a.box));
      if (!largest) return null;
      const box = animalHeadBox(largest.box);
      return {
        face: { box, score: largest.score, cropLandmarks: placedPoints(box), openness: null },
        others: rest.map((detection) => ({ box: animalHeadBox(detection.box), score: detection.score })),
      };
    },
    async dispose() {
      await session.dispose();
    },
  };
}
