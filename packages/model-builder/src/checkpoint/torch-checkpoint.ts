import { CheckpointError, toCheckpointError } from './checkpoint-error.js';
import { readLegacyTorchCheckpoint } from './legacy-torch-checkpoint.js';
import { readPickle } from './pickle-reader.js';
import type { PickleValue } from './pickle-value.js';
import { storageElementSize } from './storage-dtype.js';
import { createStorageLoader } from './torch-persistent-id.js';
import { materializeTensors, type TorchStorage, tensorBudget } from './torch-storage.js';
import { readZipArchive, type ZipArchive, type ZipArchiveOptions } from './zip-archive.js';

/** A checkpoint written by `torch.save`. */
export interface TorchCheckpoint {
  /** `zip` (torch >= 1.6) or `legacy` (`_use_new_zipfile_serialization=False`). */
  readonly format: 'zip' | 'legacy';
  /** The saved object with tensors as TensorLike (see `PickleValue`); use `extractStateDict` for weights. */
  readonly value: PickleValue;
  /** The zip archive's top folder (`archive`, or the file stem at save time); zip format only. */
  readonly archiveName?: string;
  /** Byte order the storages were written in (converted on read). */
  readonly littleEndian: boolean;
}

/** Options of {@link readTorchCheckpoint}. */
export type TorchCheckpointOptions = ZipArchiveOptions;

function dataPickle(archive: ZipArchive, file: string): string {
  const candidates = archive.entries.filter((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  if (candidates.length === 1) return candidates[0]!.name.slice(0, -'/data.pkl'.length);
  if (candidates.length > 1) {
    throw new CheckpointError(
      file,
      `the zip archive holds ${candidates.length} data.pkl files; expected one`,
    );
  }
  const torchScript = archive.entries.some((entry) => entry.name.endsWith('/constants.pkl'));
  throw new CheckpointError(
    file,
    torchScript
      ? 'this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; re-save the weights ' +
          'with torch.save(model.state_dict(), path)'
      : 'the zip archive has no <folder>/data.pkl, so it is not a PyTorch checkpoint',
  );
}

async function readByteOrder(archive: ZipArchive, prefix: string, file: string): Promise<boolean> {
  const entry = archive.get(`${prefix}/byteorder`);
  if (!entry) return true;
  const order = new TextDecoder().decode(await archive.read(entry)).trim();
  if (order !== 'little' && order !== 'big') {
    throw new CheckpointError(file, `the byteorder record says '${order}', expected 'little' or 'big'`);
  }
  return order === 'little';
}

/**
 * A storage's bytes. torch writes exactly `numel` × element size; the zip entry's declared size is checked
 * against that before it is inflated, so a 48-byte storage cannot inflate to gigabytes.
 */
async function readStorage(
  archive: ZipArchive,
  name: string,
  storage: TorchStorage,
  file: string,
): Promise<Uint8Array> {
  const entry = archive.get(name);
  if (!entry) {
    throw new CheckpointError(file, `storage ${name} is missing from the archive; the file is incomplete`);
  }
  const needed = storage.numel * storageElementSize[storage.dtype];
  if (entry.size !== needed) {
    throw new CheckpointError(
      file,
      `storage ${name} holds ${entry.size} bytes but declares ${storage.numel} ${storage.dtype} ` +
        `elements (${needed} bytes); the file is ${entry.size < needed ? 'truncated or corrupt' : 'corrupt or a zip bomb'}`,
    );
  }
  return archive.read(entry);
}

async function readZipCheckpoint(
  bytes: Uint8Array,
  file: string,
  options: TorchCheckpointOptions,
): Promise<TorchCheckpoint> {
  // Nothing in a checkpoint inflates past what its tensors may take (see tensorBudget).
  const maxEntryBytes = Math.min(options.maxEntryBytes ?? Number.POSITIVE_INFINITY, tensorBudget(bytes));
  const archive = readZipArchive(bytes, file, { ...options, maxEntryBytes });
  const prefix = dataPickle(archive, file);
  const littleEndian = await readByteOrder(archive, prefix, file);
  const storages = new Map<string, TorchStorage>();
  const pickle = readPickle(await archive.read(`${prefix}/data.pkl`), {
    name: file,
    persistentLoad: createStorageLoader(file, storages),
  });
  for (const storage of storages.values()) {
    if (storage.view) continue;
    storage.bytes = await readStorage(archive, `${prefix}/data/${storage.key}`, storage, file);
  }
  materializeTensors(pickle.pendingTensors, file, littleEndian, tensorBudget(bytes));
  return { format: 'zip', value: pickle.value, archiveName: prefix, littleEndian };
}

function isTar(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar';
}

/**
 * Reads a `torch.save` checkpoint (`.pt`, `.pth`, `.bin`) without executing pickle code: the zip format
 * (`<archive>/data.pkl` plus `<archive>/data/<key>` storages) or the legacy format. Tensors come back as
 * TensorLike — float16/bfloat16/float64 as float32, int64 as BigInt64Array, bool/uint8 as Uint8Array — and,
 * where the storage is aligned and contiguous, as views that share memory with `bytes` (do not modify
 * `bytes` afterwards). Throws {@link CheckpointError} for corrupt, truncated or malicious files.
 *
 * @param fileName used in error messages.
 */
export async function readTorchCheckpoint(
  bytes: Uint8Array,
  fileName: string,
  options: TorchCheckpointOptions = {},
): Promise<TorchCheckpoint> {
  try {
    return await readAnyTorchFormat(bytes, fileName, options);
  } catch (error) {
    throw toCheckpointError(fileName, error);
  }
}

async function readAnyTorchFormat(
  bytes: Uint8Array,
  fileName: string,
  options: TorchCheckpointOptions,
): Promise<TorchCheckpoint> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return readZipCheckpoint(bytes, fileName, options);
  if (bytes[0] === 0x80) {
    const legacy = readLegacyTorchCheckpoint(bytes, fileName);
    return { format: 'legacy', ...legacy };
  }
  if (bytes.length > 262 && isTar(bytes)) {
    throw new CheckpointError(
      fileName,
      'the tar-based format of PyTorch < 0.4 is not supported; re-save with a newer torch',
    );
  }
  throw new CheckpointError(
    fileName,
    `not a PyTorch checkpoint (${bytes.length === 0 ? 'the file is empty' : 'it starts with neither a zip header nor a pickle'})`,
  );
}
