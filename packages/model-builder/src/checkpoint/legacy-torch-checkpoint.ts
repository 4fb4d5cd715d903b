import { CheckpointError } from './checkpoint-error.js';
import { type PickleReadOptions, type PickleReadResult, readPickle } from './pickle-reader.js';
import { isPickleArray, type PickleValue } from './pickle-value.js';
import { storageElementSize } from './storage-dtype.js';
import { createStorageLoader } from './torch-persistent-id.js';
import { materializeTensors, type TorchStorage, tensorBudget } from './torch-storage.js';

/** The first pickle of a legacy (pre-1.6, `_use_new_zipfile_serialization=False`) torch file. */
export const legacyTorchMagic = 0x1950a86a20f9469cfc6cn;
const legacyProtocolVersion = 1001;

/** What {@link readLegacyTorchCheckpoint} returns. */
export interface LegacyTorchCheckpoint {
  readonly value: PickleValue;
  readonly littleEndian: boolean;
}

function byteOrder(sysInfo: PickleValue, file: string): boolean {
  if (!(sysInfo instanceof Map))
    throw new CheckpointError(file, 'legacy checkpoint: the system-info pickle is not a dict');
  return sysInfo.get('little_endian') !== false;
}

/** Attaches each storage's bytes: per key, an 8-byte element count, then that many elements. */
function attachStorages(
  bytes: Uint8Array,
  start: number,
  keys: PickleValue,
  storages: Map<string, TorchStorage>,
  littleEndian: boolean,
  file: string,
): void {
  if (!isPickleArray(keys))
    throw new CheckpointError(file, 'legacy checkpoint: the storage-key pickle is not a list');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  for (const key of keys) {
    const storage = typeof key === 'string' ? storages.get(key) : undefined;
    if (!storage || storage.view) {
      throw new CheckpointError(file, `legacy checkpoint lists storage ${String(key)}, which no tensor uses`);
    }
    if (at + 8 > bytes.length)
      throw new CheckpointError(file, `legacy checkpoint: storage ${key} is cut off; the file is truncated`);
    const count = Number(view.getBigInt64(at, littleEndian));
    const length = count * storageElementSize[storage.dtype];
    if (count < 0 || at + 8 + length > bytes.length) {
      throw new CheckpointError(
        file,
        `legacy checkpoint: storage ${key} declares ${count} elements, past the end of the file; it is truncated`,
      );
    }
    storage.bytes = bytes.subarray(at + 8, at + 8 + length);
    at += 8 + length;
  }
}

/**
 * Reads the legacy torch format: pickles of the magic number, the protocol version (1001), system info
 * and the object (with storage persistent ids), then a pickled list of storage keys followed by each
 * storage's raw data. Only data is rebuilt (see `readPickle`).
 */
export function readLegacyTorchCheckpoint(bytes: Uint8Array, file: string): LegacyTorchCheckpoint {
  let offset = 0;
  const next = (options: PickleReadOptions = {}): PickleReadResult => {
    const result = readPickle(bytes, { name: file, offset, ...options });
    offset = result.end;
    return result;
  };
  if (next().value !== legacyTorchMagic) {
    throw new CheckpointError(
      file,
      'not a PyTorch checkpoint (no zip archive, no legacy magic number); for a plain pickle use readPlainPickle',
    );
  }
  const protocol = next().value;
  if (protocol !== legacyProtocolVersion) {
    throw new CheckpointError(
      file,
      `legacy checkpoint protocol ${String(protocol)} is not supported (1001 is)`,
    );
  }
  const littleEndian = byteOrder(next().value, file);
  const storages = new Map<string, TorchStorage>();
  const main = next({ persistentLoad: createStorageLoader(file, storages) });
  const keys = next();
  attachStorages(bytes, keys.end, keys.value, storages, littleEndian, file);
  materializeTensors(main.pendingTensors, file, littleEndian, tensorBudget(bytes));
  return { value: main.value, littleEndian };
}
