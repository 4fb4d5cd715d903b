import { CheckpointError } from './checkpoint-error.js';
import { describePickleValue, isPickleArray, type PickleValue } from './pickle-value.js';
import { torchStorageDType } from './torch-globals.js';
import { TorchStorage } from './torch-storage.js';

function text(value: PickleValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  // Python 2 checkpoints may carry ids as bytes.
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

function count(value: PickleValue | undefined, what: string, file: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CheckpointError(file, `storage ${what} ${describePickleValue(value ?? null)} is not a count`);
  }
  return value;
}

/**
 * The persistent-load hook for torch checkpoints: turns `('storage', storageType, key, location, numel
 * [, viewMetadata])` into a {@link TorchStorage} (one per key, shared by every tensor that views it) and
 * records it in `storages`. Other persistent ids, such as pickled `nn.Module` source, are rejected.
 */
export function createStorageLoader(
  file: string,
  storages: Map<string, TorchStorage>,
): (pid: PickleValue) => PickleValue {
  return (pid) => {
    if (!isPickleArray(pid) || pid.length < 5) {
      throw new CheckpointError(
        file,
        `unexpected persistent id ${describePickleValue(pid)}; expected a storage tuple`,
      );
    }
    const kind = text(pid[0]);
    if (kind === 'module') {
      throw new CheckpointError(
        file,
        'the checkpoint pickles a whole nn.Module (with its source code); only tensors and plain data can be ' +
          'read. Re-save it with torch.save(model.state_dict(), path).',
      );
    }
    if (kind !== 'storage') throw new CheckpointError(file, `unknown persistent id kind ${String(kind)}`);
    const dtype = torchStorageDType(pid[1]!);
    if (!dtype) {
      throw new CheckpointError(
        file,
        `unsupported storage type ${describePickleValue(pid[1]!)}; supported: ` +
          'torch.{Float,Half,BFloat16,Double,Long,Int,Short,Char,Byte,Bool}Storage and UntypedStorage',
      );
    }
    const key = text(pid[2]);
    if (key === undefined) throw new CheckpointError(file, 'storage key is not a string');
    let storage = storages.get(key);
    if (!storage) {
      storage = new TorchStorage(key, dtype, count(pid[4], `${key} size`, file));
      storages.set(key, storage);
    } else if (storage.dtype !== dtype) {
      throw new CheckpointError(file, `storage ${key} is used both as ${storage.dtype} and as ${dtype}`);
    }
    const view = pid[5];
    if (view === undefined || view === null) return storage as unknown as PickleValue;
    if (!isPickleArray(view) || view.length !== 3)
      throw new CheckpointError(file, 'malformed storage view metadata');
    const viewKey = `${text(view[0])}`;
    const existing = storages.get(viewKey);
    if (existing) return existing as unknown as PickleValue;
    const viewStorage = new TorchStorage(viewKey, dtype, count(view[2], 'view size', file), {
      root: storage,
      elementOffset: count(view[1], 'view offset', file),
    });
    storages.set(viewKey, viewStorage);
    return viewStorage as unknown as PickleValue;
  };
}
