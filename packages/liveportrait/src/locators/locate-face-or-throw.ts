import {
  type FaceLocation,
  type FaceLocatorV1,
  type LocateFaceOptions,
  NoFaceFoundError,
  type RgbImage,
} from '@joyvasa/core';

/** Runs a locator and turns "no face" into {@link NoFaceFoundError}, naming the locator and what to do. */
export async function locateFaceOrThrow(
  locator: FaceLocatorV1,
  image: RgbImage,
  options: LocateFaceOptions = {},
): Promise<FaceLocation> {
  const found = await locator.locate(image, options);
  if (found) return found;
  const what = locator.subject === 'animal' ? 'cat or dog' : 'face';
  throw new NoFaceFoundError(
    `the ${locator.name} locator found no ${what} in the ${image.width}x${image.height} source image; ` +
      'use a photo where the face is visible, pass options.faceBox, or crop: false',
  );
}
