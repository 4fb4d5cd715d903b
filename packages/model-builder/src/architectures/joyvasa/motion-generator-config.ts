import {
  type AudioPadMode,
  audioPadModes,
  InvalidInputError,
  type MotionModelSizes,
  motionModelSizeFields,
} from '@joyvasa/core';

/** The released `motion_generator_hubert_chinese.pt` values (spec §2.1, §2.3): the defaults. */
export const releasedMotionGeneratorConfig: MotionModelSizes = Object.freeze({
  modelDim: 256,
  layers: 8,
  heads: 8,
  mlpRatio: 4,
  motionDim: 70,
  windowFrames: 100,
  contextFrames: 25,
  diffusionSteps: 50,
  fps: 25,
  padMode: 'zero',
  audioModel: 'hubert_zh_ori',
  audioFeatureDim: 768,
});

/** Length of the sinusoidal positional-encoding table of `DenoisingNetwork.PE` (`max_len`). */
export const positionalTableLength = 600;

const layerKey = /^denoising_net\.transformer\.layers\.(\d+)\./;

/**
 * Counts the decoder layers of a motion-generator state dict from its `denoising_net.transformer.layers.<i>.*`
 * keys. Throws {@link InvalidInputError} when there are none or the indices have gaps.
 */
export function countDenoiserLayers(stateDictKeys: Iterable<string>): number {
  const indices = new Set<number>();
  for (const key of stateDictKeys) {
    const match = layerKey.exec(key);
    if (match) indices.add(Number(match[1]));
  }
  if (indices.size === 0) {
    throw new InvalidInputError(
      'stateDictKeys',
      'no denoising_net.transformer.layers.* key found; pass the keys of the checkpoint\'s "model" state dict',
    );
  }
  const count = Math.max(...indices) + 1;
  if (indices.size !== count) {
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !indices.has(i));
    throw new InvalidInputError(
      'stateDictKeys',
      `decoder layers ${missing.join(', ')} are missing; the checkpoint is incomplete, convert it again`,
    );
  }
  return count;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(name, `${value} is not a whole number >= 1`);
  }
  return value;
}

/**
 * Validates a motion-generator config and fills missing fields from {@link releasedMotionGeneratorConfig}.
 * Throws {@link InvalidInputError} for sizes the network cannot have (d not divisible by the head count or
 * odd, a sequence longer than the positional table, an unknown pad mode).
 */
export function motionGeneratorConfig(overrides: Partial<MotionModelSizes> = {}): MotionModelSizes {
  const config: MotionModelSizes = { ...releasedMotionGeneratorConfig, ...overrides };
  for (const field of motionModelSizeFields) {
    positiveInteger(`config.${field}`, config[field]);
  }
  if (config.modelDim % config.heads !== 0 || config.modelDim % 2 !== 0) {
    throw new InvalidInputError(
      'config.modelDim',
      `${config.modelDim} must be even and divisible by the ${config.heads} heads`,
    );
  }
  // The legacy positional encoding reads row `contextFrames + windowFrames` of the table.
  if (config.contextFrames + config.windowFrames >= positionalTableLength) {
    throw new InvalidInputError(
      'config.windowFrames',
      `context + window = ${config.contextFrames + config.windowFrames} frames must stay below ${positionalTableLength}`,
    );
  }
  if (!audioPadModes.includes(config.padMode)) {
    throw new InvalidInputError('config.padMode', `'${config.padMode}' is not 'zero' or 'replicate'`);
  }
  if (typeof config.audioModel !== 'string' || config.audioModel === '') {
    throw new InvalidInputError('config.audioModel', 'must name the audio encoder, e.g. hubert_zh_ori');
  }
  return Object.freeze(config);
}

/**
 * The checkpoint's `args` (an `argparse.Namespace` read as a plain object). Used fields: `feature_dim`,
 * `n_motions`, `n_prev_motions`, `motion_feat_dim`, `n_diff_steps`, `fps` (numbers), `pad_mode`,
 * `audio_model` (strings); everything else is ignored.
 */
export type MotionGeneratorArgs = Readonly<Record<string, unknown>>;

function stringArg(args: MotionGeneratorArgs, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new InvalidInputError(`args.${name}`, `expected a string, got ${typeof value}`);
  return value;
}

function numberArg(args: MotionGeneratorArgs, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number') {
    throw new InvalidInputError(`args.${name}`, `expected a number, got ${typeof value}`);
  }
  return number;
}

/**
 * The motion-generator config of a checkpoint: sizes from its `args` (as `load_model` passes them to
 * `DitTalkingHead`), the layer count from its state-dict keys (never assumed). Fields missing from `args`
 * take the train.py defaults, which are the released values. `n_heads`, `n_layers`, `mlp_ratio` in `args` are
 * ignored, as the official constructor ignores them.
 */
export function motionGeneratorConfigFromArgs(
  args: MotionGeneratorArgs,
  stateDictKeys: Iterable<string>,
): MotionModelSizes {
  if (typeof args !== 'object' || args === null) {
    throw new InvalidInputError('args', "expected the checkpoint's args as a plain object");
  }
  const read = {
    modelDim: numberArg(args, 'feature_dim'),
    windowFrames: numberArg(args, 'n_motions'),
    contextFrames: numberArg(args, 'n_prev_motions'),
    motionDim: numberArg(args, 'motion_feat_dim'),
    diffusionSteps: numberArg(args, 'n_diff_steps'),
    fps: numberArg(args, 'fps'),
    padMode: stringArg(args, 'pad_mode') as AudioPadMode | undefined,
    audioModel: stringArg(args, 'audio_model'),
  };
  const defined = Object.fromEntries(Object.entries(read).filter(([, value]) => value !== undefined));
  return motionGeneratorConfig({ ...defined, layers: countDenoiserLayers(stateDictKeys) });
}
