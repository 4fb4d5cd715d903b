/**
 * Declarative descriptions of the official LivePortrait state dicts. Each architecture exports a function
 * listing the keys and shapes its PyTorch module holds for a config, written independently of the graph
 * builders, so tests can check a build against the official layout (and a converter can validate a
 * checkpoint before building).
 */

/** One state-dict entry: the official key and the tensor's shape (`[]` for scalars). */
export interface StateDictEntry {
  readonly key: string;
  readonly shape: readonly number[];
}

/** Keys the official modules hold but inference never reads (BatchNorm's update counter). */
export const inferenceIgnoredKeys: readonly RegExp[] = [/\.num_batches_tracked$/];

/** The entries an inference graph actually reads: `entries` without {@link inferenceIgnoredKeys}. */
export function inferenceEntries(entries: readonly StateDictEntry[]): StateDictEntry[] {
  return entries.filter((entry) => !inferenceIgnoredKeys.some((pattern) => pattern.test(entry.key)));
}

/** `nn.ConvNd`: `weight` [out, in / groups, ...kernel] and, unless `bias` is false, `bias` [out]. */
export function convEntries(
  prefix: string,
  outChannels: number,
  inChannels: number,
  kernel: readonly number[],
  bias = true,
): StateDictEntry[] {
  const weight = { key: `${prefix}.weight`, shape: [outChannels, inChannels, ...kernel] };
  return bias ? [weight, { key: `${prefix}.bias`, shape: [outChannels] }] : [weight];
}

/** A spectrally normalised conv: `bias` first (PyTorch re-registers the weight), then the triple. */
export function spectralConvEntries(
  prefix: string,
  outChannels: number,
  inChannels: number,
  kernel: readonly number[],
  bias = true,
): StateDictEntry[] {
  const fanIn = inChannels * kernel.reduce((a, b) => a * b, 1);
  return [
    ...(bias ? [{ key: `${prefix}.bias`, shape: [outChannels] }] : []),
    { key: `${prefix}.weight_orig`, shape: [outChannels, inChannels, ...kernel] },
    { key: `${prefix}.weight_u`, shape: [outChannels] },
    { key: `${prefix}.weight_v`, shape: [fanIn] },
  ];
}

/** `nn.BatchNormNd(channels)`: affine parameters, running statistics and the update counter. */
export function batchNormEntries(prefix: string, channels: number): StateDictEntry[] {
  return [
    ...['weight', 'bias', 'running_mean', 'running_var'].map((name) => ({
      key: `${prefix}.${name}`,
      shape: [channels],
    })),
    { key: `${prefix}.num_batches_tracked`, shape: [] },
  ];
}

/** `nn.Linear(inFeatures, outFeatures)`. */
export function linearEntries(prefix: string, inFeatures: number, outFeatures: number): StateDictEntry[] {
  return [
    { key: `${prefix}.weight`, shape: [outFeatures, inFeatures] },
    { key: `${prefix}.bias`, shape: [outFeatures] },
  ];
}

/** A LayerNorm with `weight` and `bias` of [channels]. */
export function layerNormEntries(prefix: string, channels: number): StateDictEntry[] {
  return [
    { key: `${prefix}.weight`, shape: [channels] },
    { key: `${prefix}.bias`, shape: [channels] },
  ];
}
