export { assertSourceOptions } from './check-source-options.js';
export { type CropChoice, chooseCrop, type LocatedCrop, pickFaceLocator } from './choose-crop.js';
export { type PreparedSource, prepareSource } from './prepare-source.js';
export type { CropMethod, PrepareSourceOptions } from './source-options.js';
