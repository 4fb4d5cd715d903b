import { type InvalidInputError, ManifestError } from './errors.js';
import { createTensor, type Float32Tensor } from './tensor.js';

/** A float32 tensor stored in JSON: dims and little-endian bytes in base64. */
export interface TensorJson {
  readonly dtype: 'float32';
  readonly dims: readonly number[];
  readonly base64: string;
}

/** Stores a float32 tensor in JSON, exactly. */
export function encodeTensorJson(tensor: Float32Tensor): TensorJson {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { dtype: 'float32', dims: [...tensor.dims], base64: btoa(binary) };
}

/** Reads a tensor stored by {@link encodeTensorJson}; `what` names it in errors. */
export function decodeTensorJson(value: unknown, what: string): Float32Tensor {
  const json = value as Partial<TensorJson> | null;
  if (json?.dtype !== 'float32' || !Array.isArray(json.dims) || typeof json.base64 !== 'string') {
    throw new ManifestError(what, 'expected { dtype: "float32", dims, base64 }');
  }
  const binary = atob(json.base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (bytes.length % 4 !== 0)
    throw new ManifestError(what, 'the data is not a whole number of float32 values');
  try {
    return createTensor('float32', json.dims, new Float32Array(bytes.buffer));
  } catch (error) {
    throw new ManifestError(what, (error as InvalidInputError).message);
  }
}
