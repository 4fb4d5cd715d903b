import { InvalidInputError, inputLimits } from '@joyvasa/core';

/**
 * The sizes of a HuBERT / wav2vec2 encoder in the post-LN "base" layout (group-norm feature extractor,
 * no conv bias, exact GELU). In eval mode both architectures compute the same function, so one config type
 * and one graph serve both.
 */
export interface HubertConfig {
  /** A label for graph names and messages, e.g. `chinese-hubert-base`. */
  readonly name: string;
  /** Transformer width (768 for the base models). */
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  /** Attention heads; `hiddenSize` must be a multiple of it. */
  readonly numAttentionHeads: number;
  /** Feed-forward width (3072 for the base models). */
  readonly intermediateSize: number;
  /** Epsilon of every LayerNorm. */
  readonly layerNormEps: number;
  /** Output channels of each feature-extractor convolution; the last one is the CNN feature width. */
  readonly convDim: readonly number[];
  /** Kernel size of each feature-extractor convolution, in samples / frames. */
  readonly convKernel: readonly number[];
  /** Stride of each feature-extractor convolution. */
  readonly convStride: readonly number[];
  /** Kernel size of the positional convolution (128). */
  readonly numConvPosEmbeddings: number;
  /** Groups of the positional convolution (16); `hiddenSize` must be a multiple of it. */
  readonly numConvPosEmbeddingGroups: number;
  /** Whether the feature projection starts with a LayerNorm (true for HuBERT-base and every wav2vec2). */
  readonly featProjLayerNorm: boolean;
}

const baseLayout = {
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  layerNormEps: 1e-5,
  convDim: [512, 512, 512, 512, 512, 512, 512],
  convKernel: [10, 3, 3, 3, 3, 2, 2],
  convStride: [5, 2, 2, 2, 2, 2, 2],
  numConvPosEmbeddings: 128,
  numConvPosEmbeddingGroups: 16,
  featProjLayerNorm: true,
} as const;

/** `TencentGameMate/chinese-hubert-base`, the encoder of the released JoyVASA model (`audio_encoder.*`). */
export const chineseHubertBaseConfig: HubertConfig = { name: 'chinese-hubert-base', ...baseLayout };

/** `facebook/wav2vec2-base-960h` (its `Wav2Vec2ForCTC` file prefixes the keys with `wav2vec2.`). */
export const wav2vec2Base960hConfig: HubertConfig = { name: 'wav2vec2-base-960h', ...baseLayout };

type Json = Readonly<Record<string, unknown>>;

function fail(field: string, message: string): never {
  throw new InvalidInputError(`config.json ${field}`, message);
}

/** Bounds keep a hostile config (10^8 layers) from making the builder allocate without end. */
const isSize = (value: unknown, max: number): value is number =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) <= max;

function integer(
  json: Json,
  field: string,
  fallback?: number,
  max: number = inputLimits.configMaxWidth,
): number {
  const value = json[field] ?? fallback;
  if (!isSize(value, max)) fail(field, `must be a positive integer of at most ${max}, not ${String(value)}`);
  return value;
}

/** Feature-extractor convolutions: the base models have 7. */
const maxConvLayers = 32;

function integers(json: Json, field: string): number[] {
  const value = json[field];
  const max = inputLimits.configMaxWidth;
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > maxConvLayers ||
    !value.every((v) => isSize(v, max))
  ) {
    fail(field, `must be a list of 1 to ${maxConvLayers} positive integers of at most ${max}`);
  }
  return value as number[];
}

function requireSupported(json: Json, field: string, supported: unknown, hint: string): void {
  const value = json[field] ?? supported;
  if (value !== supported) {
    fail(field, `${JSON.stringify(value)} is not supported, only ${JSON.stringify(supported)}. ${hint}`);
  }
}

/**
 * Reads a Hugging Face `config.json` object (HubertModel, Wav2Vec2Model or Wav2Vec2ForCTC) into a
 * {@link HubertConfig}, with the transformers defaults for absent fields. Throws `InvalidInputError` for
 * layouts this graph does not implement (layer-norm feature extractor, stable layer norm, conv bias,
 * activations other than exact GELU, batch-norm positional conv).
 */
export function hubertConfigFromJson(json: unknown, name?: string): HubertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidInputError('config.json', 'expected the JSON object of a Hugging Face config.json');
  }
  const config = json as Json;
  const modelType = config.model_type;
  if (modelType !== undefined && modelType !== 'hubert' && modelType !== 'wav2vec2') {
    fail('model_type', `${JSON.stringify(modelType)} is not supported; pass a hubert or wav2vec2 config`);
  }
  const large = 'Large checkpoints (stable layer norm) need another graph; use a base model.';
  requireSupported(config, 'feat_extract_norm', 'group', large);
  requireSupported(config, 'do_stable_layer_norm', false, large);
  requireSupported(config, 'conv_bias', false, 'Use a checkpoint whose feature extractor has no conv bias.');
  requireSupported(config, 'hidden_act', 'gelu', 'Only exact (erf) GELU is implemented.');
  requireSupported(config, 'feat_extract_activation', 'gelu', 'Only exact (erf) GELU is implemented.');
  requireSupported(
    config,
    'conv_pos_batch_norm',
    false,
    'Only the weight-norm positional conv is implemented.',
  );

  const convDim = integers(config, 'conv_dim');
  const convKernel = integers(config, 'conv_kernel');
  const convStride = integers(config, 'conv_stride');
  const nameOrPath = typeof config._name_or_path === 'string' ? config._name_or_path : '';
  const parsed: HubertConfig = {
    name: name ?? (nameOrPath || String(modelType ?? 'hubert')),
    hiddenSize: integer(config, 'hidden_size'),
    numHiddenLayers: integer(config, 'num_hidden_layers', undefined, inputLimits.configMaxLayers),
    numAttentionHeads: integer(config, 'num_attention_heads'),
    intermediateSize: integer(config, 'intermediate_size'),
    layerNormEps: typeof config.layer_norm_eps === 'number' ? config.layer_norm_eps : 1e-5,
    convDim,
    convKernel,
    convStride,
    numConvPosEmbeddings: integer(config, 'num_conv_pos_embeddings', 128),
    numConvPosEmbeddingGroups: integer(config, 'num_conv_pos_embedding_groups', 16),
    featProjLayerNorm: config.feat_proj_layer_norm !== false,
  };
  validateHubertConfig(parsed);
  return parsed;
}

/** Checks the divisibility rules a config must meet; throws `InvalidInputError` naming the field. */
export function validateHubertConfig(config: HubertConfig): void {
  const { hiddenSize, numAttentionHeads, numConvPosEmbeddingGroups } = config;
  if (hiddenSize % numAttentionHeads !== 0) {
    fail('num_attention_heads', `hidden_size ${hiddenSize} is not a multiple of ${numAttentionHeads} heads`);
  }
  if (hiddenSize % numConvPosEmbeddingGroups !== 0) {
    fail(
      'num_conv_pos_embedding_groups',
      `hidden_size ${hiddenSize} is not a multiple of ${numConvPosEmbeddingGroups} groups`,
    );
  }
  if (
    config.convKernel.length !== config.convDim.length ||
    config.convStride.length !== config.convDim.length
  ) {
    fail('conv_dim', 'conv_dim, conv_kernel and conv_stride must have the same length');
  }
}

/**
 * Frames the feature extractor produces from `samples` input samples (after any padding): each
 * convolution maps `n` to `floor((n - kernel) / stride) + 1`. Returns 0 when the input is too short.
 */
export function hubertFrameCount(config: HubertConfig, samples: number): number {
  let length = samples;
  for (let i = 0; i < config.convKernel.length; i++) {
    if (length < config.convKernel[i]!) return 0;
    length = Math.floor((length - config.convKernel[i]!) / config.convStride[i]!) + 1;
  }
  return length;
}

/**
 * Checks a config's layer count against the weights it is meant for (keys `<prefix>encoder.layers.<n>.…`),
 * so a config that does not belong to the checkpoint fails in one line before any graph is built.
 */
export function checkHubertLayerKeys(config: HubertConfig, keys: Iterable<string>, prefix = ''): void {
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}encoder\\.layers\\.(\\d+)\\.`);
  const layers = new Set<string>();
  for (const key of keys) {
    const match = pattern.exec(key);
    if (match) layers.add(match[1]!);
  }
  if (layers.size !== config.numHiddenLayers) {
    fail(
      'num_hidden_layers',
      `the config declares ${config.numHiddenLayers} layers but the weights hold ${layers.size} ` +
        `(${prefix}encoder.layers.*); the config does not belong to these weights`,
    );
  }
}
