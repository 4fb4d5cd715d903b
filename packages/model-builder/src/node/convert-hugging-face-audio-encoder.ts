import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  type AudioEncoderData,
  bundleComponents,
  type EventListener,
  ModelLoadError,
  type ModelManifest,
  throwIfAborted,
} from '@joyvasa/core';
import {
  checkHubertLayerKeys,
  type HubertConfig,
  hubertConfigFromJson,
} from '../architectures/hubert/hubert-config.js';
import { buildHubertEncoder } from '../architectures/hubert/hubert-encoder.js';
import type { BundlePlan } from '../bundle/bundle-plan.js';
import { readStateDict } from '../checkpoint/read-state-dict.js';
import { version } from '../version.js';
import { createStateDictSource, prefixedSource, type WeightSource } from '../weights/weight-source.js';
import type { ConversionInput } from './convert-official-weights.js';
import { auditAudioEncoder } from './motion-generator-audit.js';
import { type ReadContext, readInput, reportUnexpected } from './read-liveportrait-checkpoints.js';
import { assertNoProblems } from './state-dict-audit.js';
import { writeBundle } from './write-bundle.js';

/** Options of {@link convertHuggingFaceAudioEncoder}. */
export interface ConvertHuggingFaceAudioEncoderOptions {
  /** A Hugging Face model folder: `config.json` plus `model.safetensors` or `pytorch_model.bin`. */
  readonly from: string;
  /** The bundle folder to write. */
  readonly to: string;
  /** Receives `model-file` events as the inputs are read and a `bundle:audio_encoder` progress event. */
  readonly onEvent?: EventListener;
  readonly signal?: AbortSignal;
}

/** What {@link convertHuggingFaceAudioEncoder} did. */
export interface AudioEncoderConversionReport {
  readonly manifest: ModelManifest;
  readonly inputs: readonly ConversionInput[];
  /** Keys used by no graph (beyond the known training-only ones), by file. */
  readonly unexpectedKeys: Readonly<Record<string, readonly string[]>>;
  readonly config: HubertConfig;
  /** The prefix the weights carried (`wav2vec2.` for Wav2Vec2ForCTC), or `''`. */
  readonly keyPrefix: string;
  readonly notes: readonly string[];
}

const weightFiles = ['model.safetensors', 'pytorch_model.bin'];
/** Heads and pre-training parts of the Hugging Face classes that the encoder graph never reads. */
const ignoredKeys: readonly RegExp[] = [
  /^lm_head\./,
  /(^|\.)masked_spec_embed$/,
  /^(quantizer|project_q|project_hid|final_proj|label_embs_concat)(\.|$)/,
  /\.num_batches_tracked$/,
];
/** Model-class prefixes: `Wav2Vec2ForCTC` stores `wav2vec2.*`, `HubertForCTC` stores `hubert.*`. */
const prefixes = ['', 'wav2vec2.', 'hubert.'];

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** True when `from` has a `config.json`, as a Hugging Face model folder does. */
export async function isHuggingFaceFolder(from: string): Promise<boolean> {
  return isFile(join(from, 'config.json'));
}

async function readConfig(ctx: ReadContext): Promise<HubertConfig> {
  const bytes = await readInput(ctx, 'config.json', 'audio_encoder_config');
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const named = typeof json._name_or_path === 'string' && json._name_or_path !== '';
    return hubertConfigFromJson(json, named ? undefined : basename(resolve(ctx.from)));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not valid JSON' : (error as Error).message;
    throw new ModelLoadError(join(ctx.from, 'config.json'), reason, { cause: error });
  }
}

function keyPrefixOf(keys: readonly string[]): string {
  const marker = 'feature_projection.projection.weight';
  return prefixes.find((prefix) => keys.includes(prefix + marker)) ?? '';
}

/** The weight file of a Hugging Face folder; one error naming everything missing when incomplete. */
async function locateWeights(from: string): Promise<string> {
  const present = await Promise.all(['config.json', ...weightFiles].map((file) => isFile(join(from, file))));
  const weightFile = weightFiles.find((_, i) => present[i + 1]);
  if (present[0] && weightFile) return weightFile;
  const missing = [...(present[0] ? [] : ['config.json']), ...(weightFile ? [] : [weightFiles.join(' or ')])];
  throw new ModelLoadError(
    from,
    `not a complete Hugging Face model folder: ${missing.join(', ')} missing. Download the model's ` +
      'config.json and model.safetensors (or pytorch_model.bin) into it',
  );
}

/** A bundle of the one `audio_encoder` graph and the `data.audioEncoder` that tells how to call it. */
function audioEncoderPlan(source: WeightSource, config: HubertConfig, signal?: AbortSignal): BundlePlan {
  const audioEncoder: AudioEncoderData = {
    id: config.name,
    featureDim: config.hiddenSize,
    sampleRate: 16000,
    // The graph averages pairs of 50 fps frames, as JoyVASA does.
    featuresPerSecond: 25,
  };
  const build = () => {
    throwIfAborted(signal);
    return buildHubertEncoder(source, config);
  };
  return {
    name: 'audio-encoder',
    version,
    provenance: 'converted',
    components: { [bundleComponents.audioEncoder]: { build } },
    data: { audioEncoder },
  };
}

/**
 * Converts a Hugging Face HuBERT or wav2vec2 base model (HubertModel, Wav2Vec2Model or Wav2Vec2ForCTC) into
 * a bundle with only the `audio_encoder` component and `data.audioEncoder`, so a user can bring their own
 * encoder graph. Keys are checked in full before the graph is built; unused heads (`lm_head.*`) are ignored.
 */
export async function convertHuggingFaceAudioEncoder(
  options: ConvertHuggingFaceAudioEncoderOptions,
): Promise<AudioEncoderConversionReport> {
  const ctx: ReadContext = {
    from: options.from,
    inputs: [],
    unexpectedKeys: {},
    notes: [],
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const weightFile = await locateWeights(options.from);
  const config = await readConfig(ctx);
  const stateDict = await readStateDict(await readInput(ctx, weightFile, 'audio_encoder'), weightFile);
  const keyPrefix = keyPrefixOf([...stateDict.keys()]);
  checkHubertLayerKeys(config, stateDict.keys(), keyPrefix);
  const weights = createStateDictSource(stateDict);
  const audit = auditAudioEncoder(weights, config, keyPrefix);
  const hint = `The sizes come from config.json (${config.hiddenSize} wide, ${config.numHiddenLayers} layers); check that it belongs to these weights.`;
  assertNoProblems(weightFile, `the ${config.name} encoder`, audit.problems, hint);
  reportUnexpected(ctx, weightFile, audit.unused(ignoredKeys));
  const source = keyPrefix ? prefixedSource(weights, keyPrefix) : weights;
  const manifest = await writeBundle(
    options.to,
    audioEncoderPlan(source, config, options.signal),
    options.onEvent &&
      ((event) =>
        options.onEvent?.(event.type === 'progress' ? { ...event, stage: 'bundle:audio_encoder' } : event)),
  );
  return {
    manifest,
    inputs: ctx.inputs,
    unexpectedKeys: ctx.unexpectedKeys,
    config,
    keyPrefix,
    notes: ctx.notes,
  };
}
