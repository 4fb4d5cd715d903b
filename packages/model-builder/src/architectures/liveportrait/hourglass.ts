import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { convNormAct, downBlock, upBlock3d } from './conv-blocks.js';
import { batchNormEntries, convEntries, type StateDictEntry } from './state-dict-entries.js';

/** Constructor arguments of LivePortrait's 3-D Hourglass (the dense-motion network's U-Net). */
export interface HourglassConfig {
  readonly blockExpansion: number;
  readonly inFeatures: number;
  readonly numBlocks: number;
  readonly maxFeatures: number;
}

/** Channel plan of a {@link HourglassConfig}: [in, out] per down and per up block, and the output width. */
export function hourglassChannels(config: HourglassConfig): {
  down: [number, number][];
  up: [number, number][];
  outFilters: number;
} {
  const width = (level: number) => Math.min(config.maxFeatures, config.blockExpansion * 2 ** level);
  const down: [number, number][] = [];
  for (let i = 0; i < config.numBlocks; i++)
    down.push([i === 0 ? config.inFeatures : width(i), width(i + 1)]);
  const up: [number, number][] = [];
  for (let i = config.numBlocks - 1; i >= 0; i--) {
    // Every up block but the first also takes the concatenated skip of the same width.
    up.push([(i === config.numBlocks - 1 ? 1 : 2) * width(i + 1), width(i)]);
  }
  return { down, up, outFilters: config.blockExpansion + config.inFeatures };
}

/** The Hourglass's state-dict entries under `prefix` (e.g. `dense_motion_network.hourglass`). */
export function hourglassStateDict(prefix: string, config: HourglassConfig): StateDictEntry[] {
  const { down, up, outFilters } = hourglassChannels(config);
  const block = (name: string, [inChannels, outChannels]: [number, number]) => [
    ...convEntries(`${name}.conv`, outChannels, inChannels, [3, 3, 3]),
    ...batchNormEntries(`${name}.norm`, outChannels),
  ];
  return [
    ...down.flatMap((channels, i) => block(`${prefix}.encoder.down_blocks.${i}`, channels)),
    ...up.flatMap((channels, i) => block(`${prefix}.decoder.up_blocks.${i}`, channels)),
    ...block(`${prefix}.decoder`, [outFilters, outFilters]),
  ];
}

/**
 * The Hourglass on a [1, inFeatures, D, H, W] volume: DownBlock3d ×n (H, W halve; D stays), then UpBlock3d
 * ×n each concatenated with the matching encoder output, then conv k3 → BN → ReLU.
 * Returns [1, blockExpansion + inFeatures, D, H, W]; H and W must be divisible by 2^numBlocks.
 */
export function hourglass(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  config: HourglassConfig,
  spatial: readonly [number, number, number],
): string {
  const { down, up, outFilters } = hourglassChannels(config);
  const [depth, height, width] = spatial;
  const skips = [x];
  let side = [height, width];
  down.forEach(([inChannels, outChannels], i) => {
    const name = `${prefix}.encoder.down_blocks.${i}`;
    const input = skips.at(-1)!;
    skips.push(
      g.scope(name, () => downBlock(g, weights, name, input, inChannels, outChannels, [depth, ...side])),
    );
    side = side.map((size) => size / 2);
  });
  let out = skips.pop()!;
  up.forEach(([inChannels, outChannels], i) => {
    const name = `${prefix}.decoder.up_blocks.${i}`;
    const input = out;
    const upsampled = g.scope(name, () =>
      upBlock3d(g, weights, name, input, inChannels, outChannels, [depth, ...side]),
    );
    side = side.map((size) => size * 2);
    out = g.concat([upsampled, skips.pop()!], 1);
  });
  return g.scope(`${prefix}.decoder`, () =>
    convNormAct(g, weights, `${prefix}.decoder`, out, outFilters, outFilters, { rank: 3 }),
  );
}
