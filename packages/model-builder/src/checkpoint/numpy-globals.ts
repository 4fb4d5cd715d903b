import type { TensorLike } from '@joyvasa/core';
import type { GlobalBehaviour } from './pickle-globals.js';
import type { GlobalContext } from './pickle-machine.js';
import { describePickleValue, isPickleArray, PickleGlobal, type PickleValue } from './pickle-value.js';
import { numpyDTypes, type StorageDType } from './storage-dtype.js';
import { contiguousStrides, decodeTensor } from './strided-tensor.js';

/** A numpy dtype as rebuilt from a pickle: type code (`f4`) and byte order (`<`, `>`, `|`, `=`). */
export interface NumpyDType {
  readonly descr: string;
  byteOrder: string;
}

function isNumpyDType(value: PickleValue): value is PickleValue & NumpyDType {
  return typeof value === 'object' && value !== null && 'descr' in value && 'byteOrder' in value;
}

function elementType(dtype: PickleValue, ctx: GlobalContext): { dtype: StorageDType; littleEndian: boolean } {
  if (!isNumpyDType(dtype)) ctx.fail(`expected a numpy dtype, got a ${describePickleValue(dtype)}`);
  const code = dtype.descr.replace(/^[<>|=]/, '');
  const type = Object.hasOwn(numpyDTypes, code) ? numpyDTypes[code] : undefined;
  if (!type) {
    ctx.fail(
      `numpy dtype '${dtype.descr}' is not supported (supported: ${Object.keys(numpyDTypes).join(', ')})`,
    );
  }
  return { dtype: type, littleEndian: !(dtype.byteOrder === '>' || dtype.descr.startsWith('>')) };
}

function shapeOf(value: PickleValue, ctx: GlobalContext): number[] {
  if (typeof value === 'number') return [value];
  if (!isPickleArray(value) || !value.every((dim) => typeof dim === 'number')) {
    ctx.fail(`numpy shape must be a tuple of ints, got a ${describePickleValue(value)}`);
  }
  return [...(value as number[])];
}

function dataBytes(data: PickleValue, ctx: GlobalContext): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') {
    // Python 2 pickles carry array data as a latin1 str.
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
    return bytes;
  }
  return ctx.fail(
    `numpy array data must be bytes, got a ${describePickleValue(data)} (object arrays are not supported)`,
  );
}

function decodeArray(
  ctx: GlobalContext,
  shape: PickleValue,
  dtype: PickleValue,
  fortran: boolean,
  data: PickleValue,
): TensorLike {
  const dims = shapeOf(shape, ctx);
  const element = elementType(dtype, ctx);
  const strides = fortran ? contiguousStrides([...dims].reverse()).reverse() : contiguousStrides(dims);
  const bytes = dataBytes(data, ctx);
  // The same data bytes may be memoised and used for many arrays: each copy counts.
  ctx.charge(bytes.length);
  return decodeTensor({ bytes, ...element }, { offset: 0, dims, strides }, 'numpy array', ctx.file);
}

const dtype: GlobalBehaviour = {
  call([descr]: readonly PickleValue[], ctx: GlobalContext) {
    if (typeof descr !== 'string') ctx.fail(`numpy.dtype of a ${describePickleValue(descr)}`);
    const target: NumpyDType = { descr, byteOrder: '=' };
    ctx.onBuild(target, (state) => {
      if (!isPickleArray(state) || typeof state[1] !== 'string') ctx.fail('numpy dtype state is malformed');
      if (state.slice(2, 5).some((part) => part !== null)) {
        ctx.fail('structured and subarray numpy dtypes are not supported');
      }
      target.byteOrder = state[1] as string;
    });
    return target as unknown as PickleValue;
  },
};

const reconstruct: GlobalBehaviour = {
  call([cls]: readonly PickleValue[], ctx: GlobalContext) {
    if (!(cls instanceof PickleGlobal) || cls.module !== 'numpy' || cls.name !== 'ndarray') {
      ctx.fail('numpy _reconstruct is only supported for numpy.ndarray (not subclasses)');
    }
    const target = {};
    const build = (state: PickleValue) => {
      if (!isPickleArray(state)) ctx.fail('numpy array state must be a tuple');
      const fields = state.length === 5 ? state.slice(1) : state;
      if (fields.length !== 4) ctx.fail(`numpy array state has ${state.length} fields, expected 4 or 5`);
      const [shape, type, fortran, data] = fields as PickleValue[];
      Object.assign(target, decodeArray(ctx, shape!, type!, fortran === true, data!));
    };
    ctx.onBuild(target, build, true);
    return target as PickleValue;
  },
};

const fromBuffer: GlobalBehaviour = {
  call([buffer, type, shape, order], ctx) {
    return decodeArray(ctx, shape ?? null, type ?? null, order === 'F', buffer ?? null);
  },
};

const scalar: GlobalBehaviour = {
  call([type, data]: readonly PickleValue[], ctx: GlobalContext) {
    const element = elementType(type ?? null, ctx);
    if (element.dtype === 'float64') {
      // Read doubles directly: a float64 scalar (a learning rate, say) must not lose precision to float32.
      const bytes = dataBytes(data ?? null, ctx);
      if (bytes.length < 8) ctx.fail('numpy float64 scalar has fewer than 8 bytes');
      return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, element.littleEndian);
    }
    const tensor = decodeArray(ctx, [], type ?? null, false, data ?? null);
    const value = tensor.data[0]!;
    if (tensor.type === 'bool') return value !== 0;
    if (
      typeof value === 'bigint' &&
      value >= BigInt(Number.MIN_SAFE_INTEGER) &&
      value <= BigInt(Number.MAX_SAFE_INTEGER)
    ) {
      return Number(value);
    }
    return value;
  },
};

/** numpy globals that plain pickles of arrays use (`numpy.core` and numpy 2's `numpy._core`). */
export const numpyGlobals: ReadonlyArray<readonly [string, GlobalBehaviour]> = [
  ['numpy.ndarray', {}],
  ['numpy.dtype', dtype],
  ['numpy._core.multiarray._reconstruct', reconstruct],
  ['numpy._core.multiarray.scalar', scalar],
  ['numpy._core.numeric._frombuffer', fromBuffer],
];
