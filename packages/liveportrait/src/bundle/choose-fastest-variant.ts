import type { TensorLike } from '@joyvasa/core';

/**
 * Kernels chosen by timing, as `cudnn.benchmark` does (issue 21): a bundle may hold several equivalent
 * forms of a renderer component (channels padded, coordinate work folded, SPADEs fused); which is fastest
 * depends on the GPU, its driver, the runtime, the precision and the batch. The first load on a device
 * times each at the session's fixed batch, keeps the winner open and remembers its name; later loads open
 * the remembered one directly.
 */

/** What a choice depends on: a choice is reused only where every field is the same. */
export interface VariantTimingKey {
  /** The bundle component the candidates stand for, e.g. `renderer`. */
  readonly component: string;
  /** The accelerator's model, e.g. `NVIDIA H100 80GB HBM3`. */
  readonly device: string;
  /** Its driver version. */
  readonly driver: string;
  /** The runtime and its version, e.g. `onnxruntime-node 1.29.0 cuda`. */
  readonly runtime: string;
  /** `fp32` or `fp16`. */
  readonly precision: string;
  /** Frames per run: the session's fixed batch (the last batch of a video is padded to it). */
  readonly batch: number;
  /** The candidates' identity (their files' sha256 values), so another bundle is timed again. */
  readonly candidates: string;
}

/** Where chosen variants are remembered: memory in browsers, a file under the SDK's cache in Node. */
export interface VariantChoiceCache {
  /** The variant id chosen for `key`, or undefined. */
  get(key: string): Promise<string | undefined>;
  set(key: string, variant: string): Promise<void>;
}

/** One equivalent form of a component: how to open it, run it once and close it. */
export interface VariantCandidate<T> {
  /** Names the form; what the cache remembers. */
  readonly id: string;
  /** Opens the form (creates its sessions). */
  open(): Promise<T>;
  /** One run at the session's fixed batch; returns the output compared between forms. */
  run(handle: T): Promise<TensorLike>;
  /** Releases what `open` made. */
  close(handle: T): Promise<void>;
}

/** Options of {@link chooseFastestVariant}. */
export interface ChooseFastestVariantOptions<T> {
  /** The forms; the first is the reference (the official graph): others must agree with its output. */
  readonly candidates: readonly VariantCandidate<T>[];
  readonly key: VariantTimingKey;
  readonly cache: VariantChoiceCache;
  /** Milliseconds; default `performance.now`. Tests inject one. */
  readonly clock?: () => number;
  /**
   * Untimed runs first, at least 1 (the first builds the convolution plans of the batch's shape, and its
   * output is the one compared). Default 2.
   */
  readonly warmups?: number;
  /** Timed runs; the median counts. Default 5. */
  readonly runs?: number;
  /**
   * How far a form's output may be from the reference's and still win, relative to
   * `max(1, max |reference|)`. Default {@link rendererFloat16Tolerance}.
   */
  readonly tolerance?: VariantTolerance;
}

/** Largest mean and largest single `|output − reference|`, each over `max(1, max |reference|)`. */
export interface VariantTolerance {
  readonly mean: number;
  readonly max: number;
}

/**
 * The renderer's float16 accuracy targets (docs/benchmarks.md §6b; issue 21's "mean ≤ 1 level, max ≤ 8"):
 * frames within a mean of 1 and at most 8 8-bit levels of the reference. For images in [0, 1] the relative
 * measure is the level itself; W's features are held to the same share of their range. float16 and TF32
 * convolutions round differently from form to form; a wrong form is far off.
 */
export const rendererFloat16Tolerance: VariantTolerance = { mean: 1 / 255, max: 8 / 255 };

/** What {@link chooseFastestVariant} decided. */
export interface ChosenVariant<T> {
  readonly id: string;
  /** The chosen form, open. */
  readonly handle: T;
  /** `cache`: remembered from an earlier load; `timed`: measured now; `only`: a single candidate. */
  readonly source: 'cache' | 'timed' | 'only';
  /** Median milliseconds per run of each form timed now; why a form was passed over. */
  readonly timings: Readonly<Record<string, number | string>>;
}

/** The cache key of a {@link VariantTimingKey}: its fields in a fixed order. */
export function variantTimingKey(key: VariantTimingKey): string {
  return JSON.stringify([
    key.component,
    key.device,
    key.driver,
    key.runtime,
    key.precision,
    key.batch,
    key.candidates,
  ]);
}

/** A cache in memory (browsers; tests). */
export function createMemoryVariantChoiceCache(): VariantChoiceCache {
  const choices = new Map<string, string>();
  return {
    get: async (key) => choices.get(key),
    set: async (key, variant) => {
      choices.set(key, variant);
    },
  };
}

/**
 * Mean and largest `|output − reference|` over `max(1, max |reference|)` (the largest is the golden suite's
 * float32 measure); infinite for another size or a NaN.
 */
export function outputDifferences(output: TensorLike, reference: TensorLike): { mean: number; max: number } {
  const far = { mean: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY };
  if (output.data.length !== reference.data.length) return far;
  let worst = 0;
  let sum = 0;
  let scale = 1;
  for (let i = 0; i < reference.data.length; i++) {
    const expected = Number(reference.data[i]);
    const difference = Math.abs(Number(output.data[i]) - expected);
    // NaN compares false: count it as infinitely far.
    if (Number.isNaN(difference)) return far;
    worst = Math.max(worst, difference);
    sum += difference;
    scale = Math.max(scale, Math.abs(expected));
  }
  return { mean: sum / Math.max(1, reference.data.length) / scale, max: worst / scale };
}

/** `max |output − reference| / max(1, max |reference|)` ({@link outputDifferences}' largest). */
export function outputDifference(output: TensorLike, reference: TensorLike): number {
  return outputDifferences(output, reference).max;
}

/** Why `output` is too far from `reference`, or undefined when it is within `tolerance`. */
function disagreement(output: TensorLike, reference: TensorLike, tolerance: VariantTolerance) {
  const { mean, max } = outputDifferences(output, reference);
  if (mean <= tolerance.mean && max <= tolerance.max) return undefined;
  return `mean ${mean.toPrecision(3)} (≤ ${tolerance.mean.toPrecision(3)}), max ${max.toPrecision(3)} (≤ ${tolerance.max.toPrecision(3)})`;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Times one opened form: warm-ups (the first output kept), then `runs` clocked runs. */
async function timeCandidate<T>(
  candidate: VariantCandidate<T>,
  handle: T,
  settings: { clock: () => number; warmups: number; runs: number },
): Promise<{ output: TensorLike; milliseconds: number }> {
  const output = await candidate.run(handle);
  for (let i = 1; i < settings.warmups; i++) await candidate.run(handle);
  const times: number[] = [];
  for (let i = 0; i < settings.runs; i++) {
    const start = settings.clock();
    await candidate.run(handle);
    times.push(settings.clock() - start);
  }
  return { output, milliseconds: median(times) };
}

/**
 * Opens the fastest of equivalent `candidates` on this device: the remembered choice when the cache holds
 * one for `key`, else each form timed in turn (only the best so far and the current one open at once), a
 * form that fails to open or run, or disagrees with the first form's output, passed over. Throws the
 * reference's error when even the first form fails.
 */
export async function chooseFastestVariant<T>(
  options: ChooseFastestVariantOptions<T>,
): Promise<ChosenVariant<T>> {
  const { candidates, cache } = options;
  if (candidates.length === 0) throw new TypeError('chooseFastestVariant: no candidates');
  const only = candidates.length === 1;
  const cacheKey = variantTimingKey(options.key);
  const remembered = only ? undefined : await cache.get(cacheKey);
  const known = candidates.find((candidate) => candidate.id === remembered);
  if (only || known) {
    const candidate = known ?? candidates[0]!;
    return { id: candidate.id, handle: await candidate.open(), source: only ? 'only' : 'cache', timings: {} };
  }
  const settings = {
    clock: options.clock ?? (() => performance.now()),
    warmups: options.warmups ?? 2,
    runs: Math.max(1, options.runs ?? 5),
  };
  const tolerance = options.tolerance ?? rendererFloat16Tolerance;
  const timings: Record<string, number | string> = {};
  let best: { candidate: VariantCandidate<T>; handle: T; milliseconds: number } | undefined;
  let reference: TensorLike | undefined;
  for (const [index, candidate] of candidates.entries()) {
    let handle: T | undefined;
    try {
      handle = await candidate.open();
      const { output, milliseconds } = await timeCandidate(candidate, handle, settings);
      reference ??= output;
      const difference = disagreement(output, reference, tolerance);
      if (difference) throw new Error(`differs from ${candidates[0]!.id}: ${difference}`);
      timings[candidate.id] = milliseconds;
      if (best && best.milliseconds <= milliseconds) {
        await candidate.close(handle);
        continue;
      }
      if (best) await best.candidate.close(best.handle);
      best = { candidate, handle, milliseconds };
    } catch (error) {
      if (handle !== undefined) await candidate.close(handle).catch(() => undefined);
      // Without the reference no form can be checked: the caller sees why the official form failed.
      if (index === 0) throw error;
      timings[candidate.id] = `passed over: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  await cache.set(cacheKey, best!.candidate.id);
  return { id: best!.candidate.id, handle: best!.handle, source: 'timed', timings };
}
