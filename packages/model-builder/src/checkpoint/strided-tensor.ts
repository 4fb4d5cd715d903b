import { createTensor, type DataTypeMap, type TensorLike } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';
import { type StorageDType, storageElementSize, tensorTypeOfStorage } from './storage-dtype.js';

/** Raw bytes of a checkpoint storage and how to interpret them. */
export interface RawStorage {
  readonly bytes: Uint8Array;
  readonly dtype: StorageDType;
  /** Byte order of `bytes`. Default true (every checkpoint written on x86 or ARM). */
  readonly littleEndian?: boolean;
}

/** Where a tensor lies in its storage, in elements (not bytes). */
export interface TensorLayout {
  /** First element, counted from the start of the storage. */
  readonly offset: number;
  readonly dims: readonly number[];
  /** Elements to step per index of each axis. Default: contiguous row-major. */
  readonly strides?: readonly number[];
}

type NumericArray = { [index: number]: number | bigint; readonly length: number };

/** Tensors above this many elements cannot be held in one typed array everywhere. */
const maxElements = 2 ** 31 - 1;
const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let halfTable: Float32Array | undefined;

/** Row-major strides of a contiguous tensor with these dimensions. */
export function contiguousStrides(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length);
  let step = 1;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= dims[axis]!;
  }
  return strides;
}

function typedView(dtype: StorageDType, buffer: ArrayBufferLike, byteOffset: number, length: number) {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    default:
      return new Uint8Array(buffer, byteOffset, length);
  }
}

/** Elements `first .. first+count` as a typed array: a view when aligned and in host order, else a copy. */
function elementSpan(storage: RawStorage, first: number, count: number) {
  const size = storageElementSize[storage.dtype];
  const start = first * size;
  const { bytes } = storage;
  const swap = size > 1 && (storage.littleEndian ?? true) !== hostLittleEndian;
  if (!swap && (bytes.byteOffset + start) % size === 0) {
    return typedView(storage.dtype, bytes.buffer, bytes.byteOffset + start, count);
  }
  // new Uint8Array(view) copies; Node's Buffer#slice would not.
  const copy = new Uint8Array(bytes.subarray(start, start + count * size));
  if (swap) {
    for (let at = 0; at < copy.length; at += size) copy.subarray(at, at + size).reverse();
  }
  return typedView(storage.dtype, copy.buffer, 0, count);
}

function gather(source: NumericArray, base: number, dims: readonly number[], strides: readonly number[]) {
  const out = new (source.constructor as new (length: number) => NumericArray)(
    dims.reduce((a, b) => a * b, 1),
  );
  const rank = dims.length;
  if (rank === 0) {
    out[0] = source[base]!;
    return out;
  }
  const inner = dims[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const counters = new Array<number>(rank - 1).fill(0);
  let o = 0;
  for (let row = 0; row < out.length / inner; row++) {
    for (let i = 0, s = base; i < inner; i++, s += innerStride) out[o++] = source[s]!;
    for (let axis = rank - 2; axis >= 0; axis--) {
      base += strides[axis]!;
      if (++counters[axis]! < dims[axis]!) break;
      base -= strides[axis]! * dims[axis]!;
      counters[axis] = 0;
    }
  }
  return out;
}

function halfToFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Converts float16 bit patterns to float32 values (exactly: every half is a float32). */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  const table = halfTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Converts bfloat16 bit patterns to float32 values (exact: bfloat16 is the top half of a float32). */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}

function convert(dtype: StorageDType, values: NumericArray): DataTypeMap[keyof DataTypeMap] {
  switch (dtype) {
    case 'float16':
      return float16ToFloat32(values as Uint16Array);
    case 'bfloat16':
      return bfloat16ToFloat32(values as Uint16Array);
    case 'float64':
      return Float32Array.from(values as Float64Array);
    case 'int16':
    case 'int8':
      return Int32Array.from(values as Int16Array);
    default:
      return values as DataTypeMap[keyof DataTypeMap];
  }
}

function checkLayout(what: string, file: string, layout: TensorLayout, strides: readonly number[]): number {
  const { offset, dims } = layout;
  const shape = `[${dims.join(', ')}]`;
  if (strides.length !== dims.length) {
    throw new CheckpointError(file, `${what}: shape ${shape} has ${strides.length} strides`);
  }
  const bad = [offset, ...dims, ...strides].find((n) => !Number.isSafeInteger(n) || n < 0);
  if (bad !== undefined) {
    throw new CheckpointError(
      file,
      `${what}: offset ${offset}, shape ${shape}, strides [${strides.join(', ')}] hold ${bad}, ` +
        'which is not a whole number >= 0; the file is corrupt',
    );
  }
  const numel = dims.reduce((a, b) => a * b, 1);
  if (numel > maxElements) {
    throw new CheckpointError(
      file,
      `${what}: shape ${shape} has ${numel} elements, more than ${maxElements}`,
    );
  }
  return numel;
}

/**
 * Reads a tensor out of a storage, honouring storage offset and strides; non-contiguous views are copied
 * into row-major order. float16/bfloat16/float64 come back as float32, int16/int8 as int32.
 * Contiguous, aligned storages in host byte order are returned as views that share memory with
 * `storage.bytes`. Throws {@link CheckpointError} when the storage is too small for the layout.
 */
export function decodeTensor(storage: RawStorage, layout: TensorLayout, what: string, file: string) {
  const strides = layout.strides ?? contiguousStrides(layout.dims);
  const numel = checkLayout(what, file, layout, strides);
  const type = tensorTypeOfStorage[storage.dtype];
  const available = Math.floor(storage.bytes.length / storageElementSize[storage.dtype]);
  let last = layout.offset;
  layout.dims.forEach((dim, axis) => {
    last += (dim - 1) * strides[axis]!;
  });
  if (numel > 0 && last >= available) {
    throw new CheckpointError(
      file,
      `${what}: shape [${layout.dims.join(', ')}] with strides [${strides.join(', ')}] at offset ` +
        `${layout.offset} needs ${last + 1} ${storage.dtype} elements, but its storage holds only ` +
        `${available}; the file is truncated or corrupt`,
    );
  }
  if (numel === 0)
    return createTensor(
      type,
      layout.dims,
      convert(storage.dtype, typedView(storage.dtype, new ArrayBuffer(0), 0, 0)) as never,
    );
  const span = elementSpan(storage, layout.offset, last - layout.offset + 1);
  const contiguous = contiguousStrides(layout.dims).every(
    (stride, axis) => layout.dims[axis] === 1 || stride === strides[axis],
  );
  const values = contiguous ? span : gather(span, 0, layout.dims, strides);
  return createTensor(type, layout.dims, convert(storage.dtype, values) as never) as TensorLike;
}
