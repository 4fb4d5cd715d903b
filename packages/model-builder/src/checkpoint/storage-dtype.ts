import type { DType } from '@joyvasa/core';

/**
 * Element types found in checkpoint storages. Types that TensorLike lacks are widened on read:
 * float16, bfloat16 and float64 → float32; int16 and int8 → int32.
 */
export type StorageDType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** Bytes per element of each storage type. */
export const storageElementSize: Readonly<Record<StorageDType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/** The TensorLike type a storage type is read as. */
export const tensorTypeOfStorage: Readonly<Record<StorageDType, DType>> = {
  float32: 'float32',
  float16: 'float32',
  bfloat16: 'float32',
  float64: 'float32',
  int64: 'int64',
  int32: 'int32',
  int16: 'int32',
  int8: 'int32',
  uint8: 'uint8',
  bool: 'bool',
};

/** PyTorch legacy storage class names (`torch.FloatStorage`, …) and their element types. */
export const torchStorageTypes: Readonly<Record<string, StorageDType>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  // Untyped storages hold bytes; the tensor's dtype comes from `_rebuild_tensor_v3`.
  UntypedStorage: 'uint8',
  TypedStorage: 'uint8',
};

/** PyTorch dtype attribute names (`torch.float32`, …) as used by `_rebuild_tensor_v3`. */
export const torchDTypes: Readonly<Record<string, StorageDType>> = {
  float32: 'float32',
  float: 'float32',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  float64: 'float64',
  double: 'float64',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** NumPy type codes without byte order (`f4`, `i8`, `b1`, …) and their element types. */
export const numpyDTypes: Readonly<Record<string, StorageDType>> = {
  f4: 'float32',
  f2: 'float16',
  f8: 'float64',
  i8: 'int64',
  i4: 'int32',
  i2: 'int16',
  i1: 'int8',
  u1: 'uint8',
  b1: 'bool',
};

/** safetensors dtype names and their element types. */
export const safetensorsDTypes: Readonly<Record<string, StorageDType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};
