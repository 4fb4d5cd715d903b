import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  InvalidInputError,
  isTensorLike,
  ModelLoadError,
  type MotionModelSizes,
  type TensorLike,
} from '@joyvasa/core';
import { describeFileKind } from '@joyvasa/core/node';
import {
  checkHubertLayerKeys,
  chineseHubertBaseConfig,
  type HubertConfig,
  hubertConfigFromJson,
} from '../architectures/hubert/hubert-config.js';
import {
  motionGeneratorConfig,
  motionGeneratorConfigFromArgs,
} from '../architectures/joyvasa/motion-generator-config.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { checkpointMetadata } from '../checkpoint/checkpoint-metadata.js';
import { readMotionTemplateStats } from '../checkpoint/motion-template-stats.js';
import { PickleGlobal, type PickleValue } from '../checkpoint/pickle-value.js';
import { extractStateDict } from '../checkpoint/state-dict.js';
import { readTorchCheckpoint } from '../checkpoint/torch-checkpoint.js';
import { createStateDictSource, type WeightSource } from '../weights/weight-source.js';
import { auditMotionGenerator, motionGeneratorIgnoredKeys } from './motion-generator-audit.js';
import { type ReadContext, readInput, reportUnexpected } from './read-liveportrait-checkpoints.js';
import { assertNoProblems } from './state-dict-audit.js';

/** The motion generator as read from its checkpoint. */
export interface MotionGeneratorCheckpoint {
  readonly weights: WeightSource;
  readonly config: MotionModelSizes;
  /** The checkpoint's `args`, JSON-safe. */
  readonly args: Record<string, unknown>;
}

/** A value that survives `JSON.stringify`: bigints, paths, class markers and bytes made printable. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof PickleGlobal) return value.qualifiedName;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (isTensorLike(value)) return `<tensor [${value.dims.join(', ')}]>`;
  if (Array.isArray(value)) return value.map(jsonSafe);
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return Object.fromEntries(entries.map(([key, item]) => [String(key), jsonSafe(item)]));
}

/** The HuBERT config of the checkpoint's `audio_encoder.*`: the folder's `config.json`, else chinese-hubert-base. */
export async function readHubertConfig(ctx: ReadContext, file: string | undefined): Promise<HubertConfig> {
  if (!file) return chineseHubertBaseConfig;
  const bytes = await readInput(ctx, file, 'hubert_config');
  try {
    return hubertConfigFromJson(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not valid JSON' : (error as Error).message;
    throw new ModelLoadError(file, `${reason}; fetch it again with 'joyvasa fetch --include hubert-config'`, {
      cause: error,
    });
  }
}

/** Where the converter looks first for the HuBERT config (official-files.ts lists every place). */
const hubertConfigFile = 'chinese-hubert-base/config.json';

/**
 * The error when no HuBERT config was read and chinese-hubert-base's, assumed in its place, does not fit
 * the checkpoint: it says that the config is missing (or not a file) rather than blaming a config never read.
 */
async function assumedConfigMismatch(ctx: ReadContext, mismatch: Error): Promise<ModelLoadError> {
  const path = join(ctx.from, hubertConfigFile);
  const kind = await stat(path).then(
    (info) => `is ${describeFileKind(info)}, not a file`,
    () => 'is missing',
  );
  return new ModelLoadError(
    path,
    `the HuBERT config ${kind}, so chinese-hubert-base's was assumed, and it does not fit this motion ` +
      `generator (${mismatch.message.replace(/^Invalid config\.json num_hidden_layers: /, '')}). Put the ` +
      "config.json it was trained with there ('joyvasa fetch --include hubert-config')",
    { cause: mismatch },
  );
}

function argsOf(tree: PickleValue, file: string): Record<string, unknown> {
  const args = checkpointMetadata(tree).args;
  if (typeof args !== 'object' || args === null || Array.isArray(args) || args instanceof Map) {
    throw new CheckpointError(
      file,
      "it has no 'args' Namespace; expected a JoyVASA train.py checkpoint {args, model, iter} " +
        '(motion_generator_hubert_chinese.pt from jdh-algo/JoyVASA)',
    );
  }
  return args as Record<string, unknown>;
}

function configOf(
  file: string,
  args: Record<string, unknown>,
  stateDict: ReadonlyMap<string, TensorLike>,
  audioConfig: HubertConfig,
  heads: number | undefined,
): MotionModelSizes {
  try {
    const read = motionGeneratorConfigFromArgs(args, stateDict.keys());
    // The encoder's width fixes what audio_feature_map projects; the heads are no arg of the official
    // constructor (it always uses 8), so only a caller who trained another model can say otherwise.
    return motionGeneratorConfig({
      ...read,
      audioFeatureDim: audioConfig.hiddenSize,
      ...(heads === undefined ? {} : { heads }),
    });
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    throw new CheckpointError(file, `its args or keys describe no usable model: ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * Reads JoyVASA's `{args, model, iter}` checkpoint: the config from `args` and the keys, then one audited
 * build of every motion-generator graph, so a missing or mis-shaped key anywhere fails here, all listed.
 */
export async function readMotionGenerator(
  ctx: ReadContext,
  file: string,
  audioConfig: HubertConfig,
  heads?: number,
): Promise<MotionGeneratorCheckpoint> {
  const tree = (await readTorchCheckpoint(await readInput(ctx, file, 'motion_generator'), file)).value;
  const stateDict = extractStateDict(tree, { key: 'model', name: file });
  const rawArgs = argsOf(tree, file);
  try {
    checkHubertLayerKeys(audioConfig, stateDict.keys(), 'audio_encoder.');
  } catch (error) {
    if (audioConfig !== chineseHubertBaseConfig || !InvalidInputError.isInstance(error)) throw error;
    throw await assumedConfigMismatch(ctx, error);
  }
  const config = configOf(file, rawArgs, stateDict, audioConfig, heads);
  const weights = createStateDictSource(stateDict);
  let audit: ReturnType<typeof auditMotionGenerator>;
  try {
    audit = auditMotionGenerator(weights, config, audioConfig);
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    throw new CheckpointError(file, error.message, { cause: error });
  }
  const hint =
    `The config read from it: d = ${config.modelDim}, ${config.layers} layers, audio features of ` +
    `${config.audioFeatureDim} (from ${audioConfig.name}). Fetch the file again if it is damaged, or put the ` +
    "HuBERT config.json it was trained with in 'chinese-hubert-base/'.";
  assertNoProblems(file, 'the motion generator', audit.problems, hint);
  reportUnexpected(ctx, file, audit.unused(motionGeneratorIgnoredKeys));
  const args = jsonSafe(rawArgs) as Record<string, unknown>;
  const storedHeads = typeof args.n_heads === 'number' ? args.n_heads : undefined;
  if (storedHeads !== undefined && storedHeads !== config.heads) {
    ctx.notes.push(
      `args.n_heads is ${storedHeads}, but the official model ignores it and uses ${config.heads} heads` +
        (heads === undefined ? '; pass denoiserHeads if this checkpoint was trained otherwise' : ''),
    );
  }
  const iter = checkpointMetadata(tree).iter;
  if (iter !== undefined) ctx.notes.push(`motion generator: training iteration ${String(jsonSafe(iter))}`);
  return { weights, config, args };
}

/** Reads `motion_template.pkl` (a plain pickle of numpy arrays) into float32-rounded number lists. */
export async function readMotionTemplate(ctx: ReadContext, file: string): Promise<Record<string, number[]>> {
  const { stats, skipped } = readMotionTemplateStats(await readInput(ctx, file, 'motion_template'), file);
  if (skipped.length > 0)
    ctx.notes.push(`${file}: entries that are not float arrays were skipped: ${skipped.join(', ')}`);
  return stats;
}
