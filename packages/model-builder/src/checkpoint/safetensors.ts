import { type TensorLike, tensorSize } from '@joyvasa/core';
import { CheckpointError, toCheckpointError } from './checkpoint-error.js';
import { findDuplicateJsonKey } from './json-duplicate-key.js';
import { safetensorsDTypes, storageElementSize } from './storage-dtype.js';
import { decodeTensor } from './strided-tensor.js';

/** The safetensors reference implementation refuses headers above this size. */
const maxHeaderBytes = 100_000_000;

interface HeaderEntry {
  readonly name: string;
  readonly dtype: keyof typeof safetensorsDTypes;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function parseHeader(bytes: Uint8Array, name: string): { entries: HeaderEntry[]; dataStart: number } {
  if (bytes.length < 8)
    throw new CheckpointError(name, 'too short for a safetensors file (no header length)');
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(Math.min(maxHeaderBytes, bytes.length - 8))) {
    throw new CheckpointError(
      name,
      `the safetensors header claims ${length} bytes; the file is truncated or not safetensors`,
    );
  }
  const dataStart = 8 + Number(length);
  let header: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
    header = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(
      name,
      `the safetensors header is not valid JSON (${(error as Error).message})`,
      { cause: error },
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CheckpointError(name, 'the safetensors header is not a JSON object');
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) {
    throw new CheckpointError(
      name,
      `the safetensors header names '${duplicate}' twice; readers disagree on which one counts, so the ` +
        'file is corrupt or tampered with',
    );
  }
  const entries = Object.entries(header)
    .filter(([key]) => key !== '__metadata__')
    .map(([key, info]) => checkEntry(key, info, name));
  return { entries, dataStart };
}

function checkEntry(key: string, info: unknown, name: string): HeaderEntry {
  const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (typeof dtype !== 'string' || !Object.hasOwn(safetensorsDTypes, dtype)) {
    throw new CheckpointError(
      name,
      `tensor '${key}' has dtype ${String(dtype)}; supported: ${Object.keys(safetensorsDTypes).join(', ')}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new CheckpointError(name, `tensor '${key}' has a malformed shape ${JSON.stringify(shape)}`);
  }
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 ? offsets : [];
  if (!isCount(begin) || !isCount(end) || begin > end) {
    throw new CheckpointError(name, `tensor '${key}' has malformed data_offsets ${JSON.stringify(offsets)}`);
  }
  const expected = tensorSize(shape) * storageElementSize[safetensorsDTypes[dtype]!];
  if (end - begin !== expected) {
    throw new CheckpointError(
      name,
      `tensor '${key}' ([${shape.join(', ')}] ${dtype}) needs ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name: key, dtype: dtype as HeaderEntry['dtype'], shape, begin, end };
}

/**
 * Tensors must tile the data exactly, as the reference implementation requires: no overlap, no gap between
 * two tensors and no bytes after the last (hidden bytes no reader looks at).
 */
function checkOffsets(entries: readonly HeaderEntry[], dataLength: number, name: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let previous: HeaderEntry | undefined;
  let covered = 0;
  for (const entry of sorted) {
    if (entry.end > dataLength) {
      throw new CheckpointError(
        name,
        `tensor '${entry.name}' ends at data byte ${entry.end}, past the ${dataLength} data bytes; the file is truncated`,
      );
    }
    if (previous && entry.begin < previous.end) {
      throw new CheckpointError(
        name,
        `tensors '${previous.name}' and '${entry.name}' overlap; the file is corrupt`,
      );
    }
    if (entry.begin > covered) throw gap(name, covered, entry.begin, previous, entry);
    previous = entry;
    covered = Math.max(covered, entry.end);
  }
  if (covered < dataLength) throw gap(name, covered, dataLength, previous);
}

function gap(name: string, from: number, to: number, before?: HeaderEntry, after?: HeaderEntry) {
  const where = `${before ? `after tensor '${before.name}'` : 'before the first tensor'}${after ? ` and before '${after.name}'` : ' at the end'}`;
  return new CheckpointError(
    name,
    `data bytes ${from} to ${to} (${where}) belong to no tensor; the file is corrupt or hides data`,
  );
}

/**
 * Reads a `.safetensors` file into name → tensor (F32, F16, BF16, F64 → float32; I64, I32; I16, I8 → int32;
 * U8; BOOL). Aligned tensors are views that share memory with `bytes`. Throws {@link CheckpointError} for a
 * bad header, duplicate header keys, unknown dtypes, sizes that do not match shapes, and offsets that
 * overlap, leave gaps or bytes after the last tensor, or run out of range.
 */
export function readSafetensors(bytes: Uint8Array, name = 'model.safetensors'): Map<string, TensorLike> {
  try {
    return readTensors(bytes, name);
  } catch (error) {
    throw toCheckpointError(name, error);
  }
}

function readTensors(bytes: Uint8Array, name: string): Map<string, TensorLike> {
  const { entries, dataStart } = parseHeader(bytes, name);
  const data = bytes.subarray(dataStart);
  checkOffsets(entries, data.length, name);
  const tensors = new Map<string, TensorLike>();
  for (const entry of entries) {
    const storage = { bytes: data.subarray(entry.begin, entry.end), dtype: safetensorsDTypes[entry.dtype]! };
    tensors.set(
      entry.name,
      decodeTensor(storage, { offset: 0, dims: entry.shape }, `tensor '${entry.name}'`, name),
    );
  }
  return tensors;
}
