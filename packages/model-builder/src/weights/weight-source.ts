import type { Float32Tensor, TensorLike } from '@joyvasa/core';
import { createTensor, tensorSize } from '@joyvasa/core';

/**
 * Where an architecture definition takes its weights from: a converted checkpoint, formula weights, or a mix.
 * Keys are the official state-dict keys (without `module.` prefixes).
 */
export interface WeightSource {
  /** The float32 tensor stored under `key`, which must have `shape`. */
  get(key: string, shape: readonly number[]): Float32Tensor;
  /** The shape stored under `key`, or undefined when the source lacks it. */
  shapeOf(key: string): readonly number[] | undefined;
  /** Every key the source holds. */
  keys(): readonly string[];
  /** True for synthetic sources (formula weights) that serve any key in any shape. */
  readonly synthetic?: boolean;
}

/** A key the architecture asked for but the source lacks, or holds with another shape. */
export interface WeightProblem {
  readonly key: string;
  readonly expected: readonly number[];
  /** The shape found, or undefined when the key is missing. */
  readonly actual?: readonly number[];
}

export function toFloat32(key: string, tensor: TensorLike): Float32Tensor {
  if (tensor.type === 'float32') return tensor as Float32Tensor;
  if (
    tensor.type === 'int64' ||
    tensor.type === 'int32' ||
    tensor.type === 'uint8' ||
    tensor.type === 'bool'
  ) {
    return createTensor(
      'float32',
      tensor.dims,
      Float32Array.from(tensor.data as ArrayLike<number | bigint>, Number),
    );
  }
  throw new TypeError(`${key}: ${tensor.type} must be converted to float32 by the checkpoint reader`);
}

/** A source over a state dict (key → tensor). Shapes are checked on every `get`. */
export function createStateDictSource(stateDict: ReadonlyMap<string, TensorLike>): WeightSource {
  return {
    get(key, shape) {
      const tensor = stateDict.get(key);
      if (!tensor) throw new Error(`missing weight ${key}`);
      if (tensor.dims.length !== shape.length || tensor.dims.some((dim, i) => dim !== shape[i])) {
        throw new Error(
          `weight ${key} has shape [${tensor.dims.join(', ')}], expected [${shape.join(', ')}]`,
        );
      }
      return toFloat32(key, tensor);
    },
    shapeOf: (key) => stateDict.get(key)?.dims,
    keys: () => [...stateDict.keys()],
  };
}

/** What {@link auditWeights} observed while a graph was built. */
export interface WeightAudit {
  /** Keys the architecture asked for, in order. */
  readonly used: readonly string[];
  /** Keys asked for but missing or of the wrong shape. */
  readonly problems: readonly WeightProblem[];
  /** Keys the source holds that the architecture never asked for and that no ignore pattern covers. */
  unused(ignored: readonly RegExp[]): string[];
}

/**
 * Wraps a source so that one build collects every missing or mis-shaped key (served as zeros so the build
 * can finish) instead of stopping at the first. The converter reports them all, so no load is partial.
 */
export function auditWeights(source: WeightSource): { source: WeightSource; audit: WeightAudit } {
  const used: string[] = [];
  const problems: WeightProblem[] = [];
  const audited: WeightSource = {
    get(key, shape) {
      used.push(key);
      const actual = source.shapeOf(key);
      const matches = actual && actual.length === shape.length && actual.every((dim, i) => dim === shape[i]);
      if (matches || source.synthetic) return source.get(key, shape);
      problems.push({ key, expected: shape, ...(actual ? { actual } : {}) });
      return createTensor('float32', shape, new Float32Array(tensorSize(shape)));
    },
    shapeOf: (key) => source.shapeOf(key),
    keys: () => source.keys(),
    ...(source.synthetic ? { synthetic: true } : {}),
  };
  return {
    source: audited,
    audit: {
      used,
      problems,
      unused: (ignored) => {
        const asked = new Set(used);
        return source
          .keys()
          .filter((key) => !asked.has(key) && !ignored.some((pattern) => pattern.test(key)));
      },
    },
  };
}

/** A view of a source with `prefix` prepended to every key (e.g. `detector.` or `audio_encoder.`). */
export function prefixedSource(source: WeightSource, prefix: string): WeightSource {
  return {
    get: (key, shape) => source.get(prefix + key, shape),
    shapeOf: (key) => source.shapeOf(prefix + key),
    ...(source.synthetic ? { synthetic: true } : {}),
    keys: () =>
      source
        .keys()
        .filter((key) => key.startsWith(prefix))
        .map((key) => key.slice(prefix.length)),
  };
}
