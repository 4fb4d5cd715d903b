import { CheckpointError } from './checkpoint-error.js';
import { type StorageDType, storageElementSize } from './storage-dtype.js';
import { decodeTensor, type TensorLayout } from './strided-tensor.js';

/**
 * A PyTorch storage named by a persistent id. Its bytes are attached after the pickle is parsed, because
 * they live elsewhere in the file (a zip entry, or after the pickles in the legacy format).
 */
export class TorchStorage {
  /** The raw little- or big-endian bytes, once loaded. */
  bytes: Uint8Array | undefined;

  constructor(
    /** The storage key in the file (`data/<key>` in a zip checkpoint). */
    readonly key: string,
    readonly dtype: StorageDType,
    /** Declared size in elements. */
    readonly numel: number,
    /** Legacy-format storage views: this storage is `numel` elements of `root` from `elementOffset`. */
    readonly view?: { readonly root: TorchStorage; readonly elementOffset: number },
  ) {}

  /** The bytes of this storage; fails if they were never loaded or a view exceeds its root. */
  resolve(file: string): Uint8Array {
    if (!this.view) {
      if (!this.bytes) throw new CheckpointError(file, `storage ${this.key} has no data in the file`);
      return this.bytes;
    }
    const size = storageElementSize[this.dtype];
    const root = this.view.root.resolve(file);
    const start = this.view.elementOffset * size;
    const end = start + this.numel * size;
    if (end > root.length) {
      throw new CheckpointError(
        file,
        `storage view ${this.key} covers bytes ${start}..${end} of storage ${this.view.root.key}, ` +
          `which has only ${root.length}; the file is corrupt`,
      );
    }
    return root.subarray(start, end);
  }
}

/** A tensor whose placeholder object gets its `type`, `dims` and `data` once its storage is loaded. */
export interface PendingTensor {
  /** The object already placed in the pickle's object tree; filled in place so every reference sees it. */
  readonly target: object;
  readonly storage: TorchStorage;
  readonly layout: TensorLayout;
  /** Element type when it differs from the storage's (`_rebuild_tensor_v3` over untyped storages). */
  readonly dtype?: StorageDType;
}

/**
 * Most bytes the tensors of a checkpoint file may take once read: generous for widening (int8 → int32) and
 * for tensors sharing storages, small enough that a hostile file cannot ask for terabytes.
 */
export function tensorBudget(file: Uint8Array): number {
  return 8 * file.length + 2 ** 28;
}

/**
 * Fills every pending tensor from its storage's bytes (see {@link decodeTensor} for views and copies).
 * Refuses, before allocating, when the tensors would take more than `maxBytes` (counting at least 4 bytes
 * per element); pass {@link tensorBudget} of the file.
 */
export function materializeTensors(
  pending: readonly PendingTensor[],
  file: string,
  littleEndian = true,
  maxBytes = Number.POSITIVE_INFINITY,
): void {
  let total = 0;
  for (const request of pending) {
    const what = `tensor over storage ${request.storage.key}`;
    const dtype = request.dtype ?? request.storage.dtype;
    const numel = request.layout.dims.reduce((a, b) => a * b, 1);
    total += numel * Math.max(4, storageElementSize[dtype]);
    if (total > maxBytes) {
      // Broadcast strides let a tiny file describe huge tensors; refuse before allocating them.
      throw new CheckpointError(
        file,
        `its tensors expand to more than ${maxBytes} bytes, far beyond the file's size; it is corrupt or hostile`,
      );
    }
    const bytes = request.storage.resolve(file);
    const tensor = decodeTensor({ bytes, dtype, littleEndian }, request.layout, what, file);
    Object.assign(request.target, tensor);
  }
}
