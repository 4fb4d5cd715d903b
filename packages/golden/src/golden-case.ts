import type { TensorLike } from '@joyvasa/core';
import type { WeightSource } from '@joyvasa/model-builder';

/** One state-dict entry of a golden manifest. */
export interface GoldenStateEntry {
  readonly key: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** `formula`, `module` (computed by the module itself) or a buffer file path relative to the folder. */
  readonly source: string;
}

/** One module of a golden manifest (`manifest.json` or `audio/manifest.json`). */
export interface GoldenModule {
  readonly state_dict?: readonly GoldenStateEntry[];
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, { readonly file: string; readonly shape: readonly number[] }>>;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly [field: string]: unknown;
}

/** A golden manifest. */
export interface GoldenManifest {
  readonly seed: string;
  readonly modules: Readonly<Record<string, GoldenModule>>;
  readonly [field: string]: unknown;
}

/** What a golden case gets to work with. Paths are relative to the golden folder. */
export interface GoldenContext {
  readonly seed: string;
  /** Reads a JSON file of the folder (e.g. `manifest.json`, `audio/manifest.json`). */
  readJson(path: string): Promise<unknown>;
  /** Reads a `.npy` array of the folder (float64 arrays come back as float32). */
  readArray(path: string): Promise<TensorLike>;
  /** Reads any file of the folder as bytes (an image, a pickle, a WAV). */
  readBytes(path: string): Promise<Uint8Array>;
  /**
   * Formula weights for a module of a manifest, with the buffers its state dict names (e.g. spectral-norm
   * vectors) served from their files.
   */
  weights(manifestPath: string, module: string): Promise<WeightSource>;
  /** Runs an ONNX model on the reference backend (onnxruntime-node, cpu). */
  run(
    model: Uint8Array,
    feeds: Readonly<Record<string, TensorLike>>,
    name: string,
  ): Promise<Record<string, TensorLike>>;
}

/** One output compared against its golden file. */
export interface GoldenComparison {
  /** The module as the manifest names it. */
  readonly module: string;
  readonly output: string;
  readonly maxAbsError: number;
  readonly tolerance: number;
  readonly passed: boolean;
  /** Why it failed beyond the numbers (shape mismatch, NaN). */
  readonly note?: string;
}

/** A parity check of one or more golden modules. */
export interface GoldenCase {
  /** The `manifest.json` this case reads, relative to the folder. */
  readonly manifestPath: string;
  /** The manifest modules it covers. */
  readonly modules: readonly string[];
  check(context: GoldenContext): Promise<GoldenComparison[]>;
}

/**
 * Compares an output with its golden array: max |ours − golden| against `scale · max(1, max |golden|)`
 * (the golden README's tolerance; `scale` is 1e-4, or 1e-3 for the sampler's fifty chained steps).
 */
export function compareToGolden(
  module: string,
  output: string,
  actual: TensorLike,
  expected: TensorLike,
  scale = 1e-4,
): GoldenComparison {
  let peak = 0;
  for (let i = 0; i < expected.data.length; i++) peak = Math.max(peak, Math.abs(Number(expected.data[i])));
  const tolerance = scale * Math.max(1, peak);
  const sameShape =
    actual.data.length === expected.data.length &&
    actual.dims.length === expected.dims.length &&
    actual.dims.every((dim, i) => dim === expected.dims[i]);
  if (!sameShape) {
    return {
      module,
      output,
      maxAbsError: Number.POSITIVE_INFINITY,
      tolerance,
      passed: false,
      note: `shape [${actual.dims.join(', ')}] differs from the golden [${expected.dims.join(', ')}]`,
    };
  }
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const error = Math.abs(Number(actual.data[i]) - Number(expected.data[i]));
    if (!(error <= worst)) worst = Number.isNaN(error) ? Number.NaN : error;
    if (Number.isNaN(worst)) break;
  }
  return {
    module,
    output,
    maxAbsError: worst,
    tolerance,
    passed: worst <= tolerance,
    ...(Number.isNaN(worst) ? { note: 'NaN in the output' } : {}),
  };
}
