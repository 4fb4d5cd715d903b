/**
 * `@joyvasa/model-builder/checkpoint`: reading PyTorch checkpoints (`.pth`/`.pt` zip archives and legacy
 * pickles, through an allow-list that never executes pickle code), safetensors and `.npy` files, and turning
 * them into state dicts. The writers tests use live in `../synthetic/`.
 */
export { CheckpointError } from './checkpoint-error.js';
export { checkpointMetadata, toPlainValue } from './checkpoint-metadata.js';
export {
  type MotionTemplateStats,
  motionTemplateSizes,
  readMotionTemplateStats,
} from './motion-template-stats.js';
export { readNpy } from './npy.js';
export { type PickleReadOptions, type PickleReadResult, readPickle } from './pickle-reader.js';
export {
  describePickleValue,
  isPickleArray,
  isPickleTuple,
  PickleGlobal,
  type PickleObject,
  type PickleScalar,
  type PickleValue,
  pickleTuple,
} from './pickle-value.js';
export { type ReadStateDictOptions, readStateDict } from './read-state-dict.js';
export { readSafetensors } from './safetensors.js';
export { extractStateDict, readPlainPickle, type StateDictOptions } from './state-dict.js';
export type { StorageDType } from './storage-dtype.js';
export {
  bfloat16ToFloat32,
  contiguousStrides,
  decodeTensor,
  float16ToFloat32,
  type RawStorage,
  type TensorLayout,
} from './strided-tensor.js';
export {
  readTorchCheckpoint,
  type TorchCheckpoint,
  type TorchCheckpointOptions,
} from './torch-checkpoint.js';
export {
  readZipArchive,
  type ZipArchive,
  type ZipArchiveOptions,
  type ZipEntry,
} from './zip-archive.js';
