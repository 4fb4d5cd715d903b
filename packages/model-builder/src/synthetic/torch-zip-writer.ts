import { type DType, isTensorLike, type TensorLike, tensorSize } from '@joyvasa/core';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { PickleGlobal, pickleTuple } from '../checkpoint/pickle-value.js';
import { contiguousStrides } from '../checkpoint/strided-tensor.js';
import {
  type PickleWritable,
  pickleOrderedDict,
  picklePersistentId,
  pickleReduce,
  writePickle,
} from './pickle-writer.js';
import { writeZip, type ZipWriterEntry } from './zip-writer.js';

/** Options of {@link writeTorchCheckpoint}. */
export interface TorchCheckpointWriteOptions {
  /** Top folder inside the zip; torch uses the file stem, `archive` for in-memory saves. Default `archive`. */
  readonly archiveName?: string;
  /** Force zip64 records (needed past 4 GiB). Default false. */
  readonly zip64?: boolean;
}

const storageTypes: Readonly<Record<DType, string>> = {
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

const rebuildTensor = new PickleGlobal('torch._utils', '_rebuild_tensor_v2');

function storageBytes(tensor: TensorLike): Uint8Array {
  if (tensor.data.length !== tensorSize(tensor.dims)) {
    throw new CheckpointError(
      'checkpoint',
      `a ${tensor.type} tensor has ${tensor.data.length} elements for dims [${tensor.dims.join(', ')}]`,
    );
  }
  const data = tensor.data as ArrayBufferView;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Writes a PyTorch-style zip checkpoint, as `torch.save` lays it out: `<archive>/data.pkl` (protocol 2),
 * `<archive>/byteorder`, one stored `<archive>/data/<n>` entry per tensor (64-byte aligned) and
 * `<archive>/version`. Tensors (float32, float16 — raw half bits —, int64, int32, uint8, bool) become
 * contiguous `torch._utils._rebuild_tensor_v2` storages; the same tensor object used twice shares one
 * storage. Everything else is written as {@link writePickle} writes it (wrap state dicts in
 * `pickleOrderedDict` for torch's exact types). Reads back with `readTorchCheckpoint`; assumes a
 * little-endian host, as every JavaScript engine in practice is.
 */
export function writeTorchCheckpoint(
  value: PickleWritable,
  options: TorchCheckpointWriteOptions = {},
): Uint8Array {
  const archive = options.archiveName ?? 'archive';
  if (!/^[^/]+$/.test(archive))
    throw new CheckpointError('checkpoint', `archive name '${archive}' must be one folder name`);
  const keys = new Map<TensorLike, string>();
  const storages: ZipWriterEntry[] = [];
  const transform = (item: PickleWritable): PickleWritable | undefined => {
    if (!isTensorLike(item)) return undefined;
    let key = keys.get(item);
    if (key === undefined) {
      key = String(keys.size);
      keys.set(item, key);
      storages.push({ name: `${archive}/data/${key}`, data: storageBytes(item) });
    }
    const storageType = new PickleGlobal('torch', storageTypes[item.type]);
    const id = pickleTuple<PickleWritable>('storage', storageType, key, 'cpu', item.data.length);
    return pickleReduce(rebuildTensor, [
      picklePersistentId(id),
      0,
      pickleTuple(...item.dims),
      pickleTuple(...contiguousStrides(item.dims)),
      false,
      pickleOrderedDict(new Map()),
    ]);
  };
  const pickle = writePickle(value, { transform });
  const encoder = new TextEncoder();
  return writeZip(
    [
      { name: `${archive}/data.pkl`, data: pickle },
      { name: `${archive}/byteorder`, data: encoder.encode('little') },
      ...storages,
      { name: `${archive}/version`, data: encoder.encode('3\n') },
    ],
    { align: 64, zip64: options.zip64 ?? false },
  );
}
