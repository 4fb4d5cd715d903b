import { createTensor, type DType, type TensorLike } from '@joyvasa/core';
import { CheckpointError } from './checkpoint-error.js';

const npyDtypes: Readonly<Record<string, DType>> = {
  '<f4': 'float32',
  '<f2': 'float16',
  '<i8': 'int64',
  '<i4': 'int32',
  '|u1': 'uint8',
  '|b1': 'bool',
};

/** float64 arrays (e.g. crop matrices) are read into float32: core tensors have no float64 type. */
const float64Descr = '<f8';

/** Reads a NumPy `.npy` file (format 1.0–3.0, little-endian, C order). */
export function readNpy(bytes: Uint8Array, name = 'array.npy'): TensorLike {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((byte, i) => bytes[i] !== byte)) {
    throw new CheckpointError(name, 'not a .npy file (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new CheckpointError(name, `unreadable header ${header}`);
  const wide = descr === float64Descr;
  const type = wide ? 'float32' : npyDtypes[descr];
  if (!type) throw new CheckpointError(name, `dtype ${descr} is not supported`);
  const dims = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
  const start = headerStart + headerLength;
  const count = dims.reduce((a, b) => a * b, 1);
  const elementBytes = wide ? 8 : { float32: 4, float16: 2, int64: 8, int32: 4, uint8: 1, bool: 1 }[type];
  if (bytes.length - start < count * elementBytes) {
    throw new CheckpointError(name, `truncated: ${bytes.length - start} data bytes for ${count} elements`);
  }
  // Copy: Node Buffers may be views into a shared pool, and typed arrays need aligned offsets.
  const copy = new Uint8Array(bytes.subarray(start, start + count * elementBytes)).buffer;
  const data = wide
    ? Float32Array.from(new Float64Array(copy))
    : type === 'float32'
      ? new Float32Array(copy)
      : type === 'float16'
        ? new Uint16Array(copy)
        : type === 'int64'
          ? new BigInt64Array(copy)
          : type === 'int32'
            ? new Int32Array(copy)
            : new Uint8Array(copy);
  const tensor = createTensor(type, dims, data as never);
  return fortran === 'True' ? toRowMajor(tensor) : tensor;
}

/** Reorders a column-major (Fortran-order) array into row-major order. */
function toRowMajor(tensor: TensorLike): TensorLike {
  const dims = tensor.dims;
  const source = tensor.data as unknown as { length: number; [index: number]: number | bigint };
  const target = new (tensor.data.constructor as new (length: number) => typeof source)(source.length);
  const rank = dims.length;
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < source.length; flat++) {
    // `index` walks row-major order; its column-major offset is sum(index[k] * prod(dims[0..k-1])).
    let offset = 0;
    let stride = 1;
    for (let axis = 0; axis < rank; axis++) {
      offset += index[axis]! * stride;
      stride *= dims[axis]!;
    }
    target[flat] = source[offset]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < dims[axis]!) break;
      index[axis] = 0;
    }
  }
  return createTensor(tensor.type, dims, target as never);
}
