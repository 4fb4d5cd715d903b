import { TfjsModelError } from './tfjs-model-error.js';

/** A decoded weight or constant: float32 or int32 data, row-major, TF's dims. */
export interface TfjsTensor {
  readonly dtype: 'float32' | 'int32';
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** How a weight is stored when the converter quantized it: `value = q * scale + min`, or half floats. */
export interface TfjsQuantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly scale?: number;
  readonly min?: number;
}

/** One entry of a weights-manifest group. */
export interface TfjsWeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: TfjsQuantization;
}

/** One group of the weights manifest: its shards are one byte stream, entries laid out in order. */
export interface TfjsWeightGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightEntry[];
}

const storedBytes = { uint8: 1, uint16: 2, float16: 2, float32: 4, int32: 4 } as const;

/** Decodes every weight of every group; shards are read through `readShard`. */
export async function decodeWeightGroups(
  source: string,
  groups: readonly TfjsWeightGroup[],
  readShard: (path: string) => Promise<Uint8Array>,
): Promise<Map<string, TfjsTensor>> {
  const weights = new Map<string, TfjsTensor>();
  for (const group of groups) {
    const shards = await Promise.all(group.paths.map(readShard));
    const bytes = concatBytes(shards);
    let offset = 0;
    for (const entry of group.weights) {
      const { tensor, size } = decodeWeight(source, entry, bytes, offset);
      weights.set(entry.name, tensor);
      offset += size;
    }
    if (offset !== bytes.length)
      throw new TfjsModelError(
        source,
        `weights group ${group.paths.join(',')}: ${bytes.length} bytes for ${offset} described`,
      );
  }
  return weights;
}

/** One group's shards as one byte stream (TF.js splits a group into 4 MB files). */
function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  parts.reduce((offset, part) => {
    out.set(part, offset);
    return offset + part.length;
  }, 0);
  return out;
}

/** Decodes one entry at `offset`; returns the tensor and how many bytes it took. */
export function decodeWeight(
  source: string,
  entry: TfjsWeightEntry,
  bytes: Uint8Array,
  offset: number,
): { tensor: TfjsTensor; size: number } {
  if (entry.dtype !== 'float32' && entry.dtype !== 'int32')
    throw new TfjsModelError(
      source,
      `weight ${entry.name} has dtype ${entry.dtype}; only float32 and int32 are supported`,
    );
  const count = entry.shape.reduce((product, dim) => product * dim, 1);
  const stored = entry.quantization?.dtype ?? entry.dtype;
  if (!(stored in storedBytes))
    throw new TfjsModelError(
      source,
      `weight ${entry.name} is quantized as ${stored}, which is not supported`,
    );
  const size = count * storedBytes[stored as keyof typeof storedBytes];
  if (offset + size > bytes.length)
    throw new TfjsModelError(
      source,
      `weight ${entry.name} runs past the end of its shards (truncated file?)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
  const data = entry.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  const read = elementReader(stored as keyof typeof storedBytes, entry.quantization);
  for (let i = 0; i < count; i++) data[i] = read(view, i);
  return { tensor: { dtype: entry.dtype, dims: entry.shape, data }, size };
}

function elementReader(
  stored: keyof typeof storedBytes,
  quantization: TfjsQuantization | undefined,
): (view: DataView, index: number) => number {
  const scale = quantization?.scale ?? 1;
  const min = quantization?.min ?? 0;
  switch (stored) {
    case 'float32':
      return (view, i) => view.getFloat32(i * 4, true);
    case 'int32':
      return (view, i) => view.getInt32(i * 4, true);
    case 'float16':
      return (view, i) => halfToFloat(view.getUint16(i * 2, true));
    case 'uint8':
      return (view, i) => view.getUint8(i) * scale + min;
    case 'uint16':
      return (view, i) => view.getUint16(i * 2, true) * scale + min;
  }
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
