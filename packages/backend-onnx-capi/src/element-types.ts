import type { DataTypeMap, DType } from '@joyvasa/core';
import { onnxDataType } from '@joyvasa/model-builder/onnx';

/** ONNX's element type numbers (TensorProto.DataType) of the SDK's tensor types. */
export const onnxElementTypes: Readonly<Record<DType, number>> = onnxDataType;

/** Bytes per element of each tensor type. */
export const elementBytes: Readonly<Record<DType, number>> = {
  float32: 4,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
};

const arrayTypes: { readonly [T in DType]: new (buffer: ArrayBuffer) => DataTypeMap[T] } = {
  float32: Float32Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
  float16: Uint16Array,
};

/** The SDK type of an ONNX element type number, or undefined for one the SDK does not carry. */
export function dtypeOfElementType(elementType: number): DType | undefined {
  return (Object.keys(onnxElementTypes) as DType[]).find((type) => onnxElementTypes[type] === elementType);
}

/** A typed array of `type` over a copy of `bytes`. */
export function typedArrayFrom<T extends DType>(type: T, bytes: ArrayBuffer): DataTypeMap[T] {
  return new arrayTypes[type](bytes.slice(0)) as DataTypeMap[T];
}
