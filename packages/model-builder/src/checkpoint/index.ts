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
export { type ReadStateDictOptions, readStateDict } from './read-state-dict.js';
export { readSafetensors, writeSafetensors } from './safetensors.js';
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
export { type TorchCheckpointWriteOptions, writeTorchCheckpoint } from './torch-zip-writer.js';
export {
  readZipArchive,
  type ZipArchive,
  type ZipArchiveOptions,
  type ZipEntry,
} from './zip-archive.js';
export { writeZip, type ZipWriterEntry, type ZipWriterOptions } from './zip-writer.js';
