/**
 * `@joyvasa/model-builder`: building ONNX graphs from our own architecture definitions and planning the
 * bundles that conversion writes. Other jobs have their own entries: `./checkpoint` (reading checkpoints),
 * `./onnx` (the ONNX writer), `./synthetic` and `./synthetic/node` (formula weights, fixtures, test writers,
 * the synthetic bundle cache), `./tfjs` and `./tfjs/node` (converting TF.js graph models, the locator
 * models), `./node` (converting and fetching the official weights, writing bundles).
 */
export * from './architectures/hubert/index.js';
export * from './architectures/joyvasa/index.js';
export {
  batchNorm,
  type ConvOptions,
  conv,
  convWithWeight,
  instanceNorm,
  layerNorm,
  linear,
  transpose2d,
} from './architectures/layers.js';
export * from './architectures/liveportrait/index.js';
export { type BundlePlan, graphSpecs, type PlannedComponent } from './bundle/bundle-plan.js';
export {
  type JoyvasaBundleSources,
  type LivePortraitSizes,
  type LivePortraitWeights,
  officialLivePortraitSizes,
  planJoyvasaBundle,
  type ReadyModel,
} from './bundle/joyvasa-bundle-plan.js';
export { type OfficialGroup, type OfficialSource, officialSources } from './bundle/official-layout.js';
export {
  type GeneratorVariantName,
  generatorVariants,
  isGeneratorVariantName,
  isWarpingVariantName,
  parseRendererVariant,
  type RendererVariant,
  rendererVariantName,
  type WarpingVariantName,
  warpingVariants,
  withRendererVariants,
} from './bundle/renderer-variants.js';
export { version } from './version.js';
export { spectralNormWeight, weightNormWeight } from './weights/reparametrizations.js';
export {
  auditWeights,
  createStateDictSource,
  prefixedSource,
  type WeightAudit,
  type WeightProblem,
  type WeightSource,
} from './weights/weight-source.js';
