/**
 * `@joyvasa/model-builder/synthetic`: everything that makes weights and files instead of reading them.
 * Formula weights (the golden vectors' definition), the synthetic and fixture bundles, the fixture face
 * detectors, and the checkpoint writers (pickle, zip, torch, safetensors) that tests and the golden harness
 * use to produce files the readers then parse. The Node parts (writing formula checkpoints, the synthetic
 * bundle cache) are exported from `./node`.
 */
export {
  type FixtureFaceDetectorOptions,
  fixtureFaceDetector,
  fixtureLandmarks106,
  fixtureLandmarks203,
} from './fixture-detectors.js';
export {
  fnv1a32,
  formulaInput,
  formulaParameter,
  formulaWave,
  pytorchDefaultParameter,
  randomParameter,
} from './formula.js';
export { createFormulaSource, type SyntheticValues } from './formula-source.js';
export { numpyArrayPickle } from './numpy-pickle.js';
export {
  PickleInstruction,
  type PickleWritable,
  type PickleWriteOptions,
  pickleFloat,
  pickleOrderedDict,
  picklePersistentId,
  picklePosixPath,
  pickleReduce,
  writePickle,
} from './pickle-writer.js';
export { writeSafetensors } from './safetensors-writer.js';
export {
  fixtureHubertConfig,
  fixtureLivePortraitSizes,
  fixtureMotionGeneratorConfig,
  planSyntheticBundle,
  type SyntheticBundleKind,
  syntheticBundleSources,
  syntheticMotionTemplate,
} from './synthetic-bundle.js';
export { type TorchCheckpointWriteOptions, writeTorchCheckpoint } from './torch-zip-writer.js';
export { writeZip, type ZipWriterEntry, type ZipWriterOptions } from './zip-writer.js';
