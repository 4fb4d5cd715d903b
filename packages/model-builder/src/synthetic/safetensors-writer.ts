import type { DType, TensorLike } from '@joyvasa/core';

const writtenDTypes: Readonly<Record<DType, string>> = {
  float32: 'F32',
  float16: 'F16',
  int64: 'I64',
  int32: 'I32',
  uint8: 'U8',
  bool: 'BOOL',
};

/**
 * Writes tensors as a `.safetensors` file (float16 tensors hold raw half bits and are written as F16).
 * `metadata` goes to the header's `__metadata__` (string values only).
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, TensorLike>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  // No prototype, so a tensor named `__proto__` is written as a key like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [key, tensor] of tensors) {
    const data = tensor.data as ArrayBufferView;
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[key] = {
      dtype: writtenDTypes[tensor.type],
      shape: tensor.dims,
      data_offsets: [offset, offset + chunk.length],
    };
    chunks.push(chunk);
    offset += chunk.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, which lets readers return views.
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
