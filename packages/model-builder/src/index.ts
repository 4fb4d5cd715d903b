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
export { fixtureFaceDetector, fixtureLandmarks106, fixtureLandmarks203 } from './bundle/fixture-detectors.js';
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
  fixtureHubertConfig,
  fixtureLivePortraitSizes,
  fixtureMotionGeneratorConfig,
  planSyntheticBundle,
  type SyntheticBundleKind,
  type SyntheticValues,
  syntheticBundleSources,
  syntheticMotionTemplate,
} from './bundle/synthetic-bundle.js';
export * from './checkpoint/index.js';
export {
  compareToGolden,
  type GoldenCase,
  type GoldenComparison,
  type GoldenContext,
  type GoldenManifest,
  type GoldenModule,
  type GoldenStateEntry,
} from './golden/golden-case.js';
export { type Attributes, DEFAULT_OPSET, GraphBuilder } from './onnx/graph-builder.js';
export {
  type AttributeValue,
  encodeOnnxModel,
  type OnnxGraph,
  type OnnxModelOptions,
  type OnnxNode,
  type OnnxValueInfo,
  onnxDataType,
} from './onnx/onnx-model.js';
export { ProtobufWriter } from './onnx/protobuf-writer.js';
export { readOnnxIo } from './onnx/read-onnx-io.js';
export { type ConvertTfjsOptions, convertTfjsGraph, supportedTfjsOps } from './tfjs/convert-tfjs-graph.js';
export {
  readTfjsGraphModel,
  type TfjsGraphModel,
  type TfjsModelJson,
  type TfjsNode,
} from './tfjs/tfjs-graph-model.js';
export { TfjsModelError } from './tfjs/tfjs-model-error.js';
export type { TfjsTensor, TfjsWeightGroup } from './tfjs/tfjs-weights.js';
export { version } from './version.js';
export { fnv1a32, formulaInput, formulaParameter, formulaWave, randomParameter } from './weights/formula.js';
export { spectralNormWeight, weightNormWeight } from './weights/reparametrizations.js';
export {
  auditWeights,
  createFormulaSource,
  createStateDictSource,
  prefixedSource,
  type WeightAudit,
  type WeightProblem,
  type WeightSource,
} from './weights/weight-source.js';
