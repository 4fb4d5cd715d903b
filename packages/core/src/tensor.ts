import { InvalidInputError } from './errors.js';

/** Element types a tensor may hold, with the typed array that stores each. */
export interface DataTypeMap {
  float32: Float32Array;
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** A tensor element type name. */
export type DType = keyof DataTypeMap;

/**
 * A plain tensor that crosses package boundaries: element type, dimensions and flat row-major data.
 *
 * Runtime tensors (onnxruntime's `Tensor`) satisfy this shape, so backends can return them as they are.
 * Never test tensors with `instanceof`; check `type` and `dims`.
 */
export interface TensorLike<T extends DType = DType> {
  readonly type: T;
  readonly dims: readonly number[];
  readonly data: DataTypeMap[T];
}

/** A float32 tensor, the type of almost every model input and output here. */
export type Float32Tensor = TensorLike<'float32'>;

const dtypes: readonly DType[] = ['float32', 'float16', 'int64', 'int32', 'uint8', 'bool'];

/** Number of elements of a tensor with these dimensions. */
export function tensorSize(dims: readonly number[]): number {
  let size = 1;
  for (const dim of dims) size *= dim;
  return size;
}

/** Creates a tensor after checking that the data length matches the dimensions. */
export function createTensor<T extends DType>(
  type: T,
  dims: readonly number[],
  data: DataTypeMap[T],
): TensorLike<T> {
  for (const dim of dims) {
    if (!Number.isInteger(dim) || dim < 0) {
      throw new InvalidInputError(
        'tensor',
        `dimension ${dim} in [${dims.join(', ')}] is not a whole number >= 0`,
      );
    }
  }
  if (data.length !== tensorSize(dims)) {
    throw new InvalidInputError(
      'tensor',
      `${data.length} elements do not fill dims [${dims.join(', ')}] (${tensorSize(dims)} needed)`,
    );
  }
  return { type, dims: [...dims], data };
}

/** A float32 tensor from any array-like of numbers. */
export function float32Tensor(dims: readonly number[], values: ArrayLike<number>): Float32Tensor {
  return createTensor('float32', dims, values instanceof Float32Array ? values : Float32Array.from(values));
}

/**
 * Float32 tensors [n_i, …] of one trailing shape joined along their first axis into [Σ n_i, …] (a batch of
 * frames, or a weight's output channels side by side); a single tensor is returned as it is.
 */
export function concatFirstAxis(tensors: readonly Float32Tensor[]): Float32Tensor {
  const first = tensors[0]!;
  if (tensors.length === 1) return first;
  const data = new Float32Array(tensors.reduce((total, tensor) => total + tensor.data.length, 0));
  let offset = 0;
  for (const tensor of tensors) {
    data.set(tensor.data, offset);
    offset += tensor.data.length;
  }
  const rows = tensors.reduce((total, tensor) => total + tensor.dims[0]!, 0);
  return createTensor('float32', [rows, ...first.dims.slice(1)], data);
}

/** True when the value has the shape of a {@link TensorLike}. */
export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TensorLike>;
  return (
    typeof candidate.type === 'string' &&
    dtypes.includes(candidate.type as DType) &&
    Array.isArray(candidate.dims) &&
    typeof candidate.data === 'object' &&
    candidate.data !== null &&
    typeof (candidate.data as { length?: unknown }).length === 'number'
  );
}

/**
 * A dimension pattern: a number must match exactly; a string names a free dimension that must agree
 * everywhere it appears in one check; `null` matches anything.
 */
export type DimPattern = number | string | null;

/**
 * Checks a tensor's type and dimensions against a pattern and returns the values bound to named dimensions.
 * Throws {@link InvalidInputError} naming `what` on a mismatch.
 */
export function assertTensor(
  what: string,
  value: unknown,
  type: DType,
  dims: readonly DimPattern[],
  bound: Record<string, number> = {},
): Record<string, number> {
  if (!isTensorLike(value)) throw new InvalidInputError(what, 'expected a tensor { type, dims, data }');
  if (value.type !== type) throw new InvalidInputError(what, `expected ${type} data, got ${value.type}`);
  const shape = `[${value.dims.join(', ')}]`;
  if (value.dims.length !== dims.length) {
    throw new InvalidInputError(
      what,
      `expected ${dims.length} dimensions [${dims.join(', ')}], got ${shape}`,
    );
  }
  dims.forEach((pattern, axis) => {
    const actual = value.dims[axis]!;
    if (typeof pattern === 'number' && pattern !== actual) {
      throw new InvalidInputError(what, `dimension ${axis} must be ${pattern}, got ${shape}`);
    }
    if (typeof pattern === 'string') {
      const previous = bound[pattern];
      if (previous !== undefined && previous !== actual) {
        throw new InvalidInputError(
          what,
          `dimension ${axis} ('${pattern}') must be ${previous}, got ${shape}`,
        );
      }
      bound[pattern] = actual;
    }
  });
  if (value.data.length !== tensorSize(value.dims)) {
    throw new InvalidInputError(what, `${value.data.length} elements do not fill ${shape}`);
  }
  return bound;
}

/** Throws {@link InvalidInputError} if any element is NaN or infinite. */
export function assertFinite(what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new InvalidInputError(
        what,
        `element ${i} is ${values[i]}; NaN and infinite values are not allowed`,
      );
    }
  }
}
