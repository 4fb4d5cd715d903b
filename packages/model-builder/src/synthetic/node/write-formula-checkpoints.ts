import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bundleComponents, createTensor, type MotionModelSizes, type TensorLike } from '@joyvasa/core';
import { chineseHubertBaseConfig, type HubertConfig } from '../../architectures/hubert/hubert-config.js';
import {
  positionalTableLength,
  releasedMotionGeneratorConfig,
} from '../../architectures/joyvasa/motion-generator-config.js';
import { sinusoidRows } from '../../architectures/joyvasa/sinusoid-table.js';
import type { StateDictEntry } from '../../architectures/liveportrait/state-dict-entries.js';
import { type LivePortraitSizes, officialLivePortraitSizes } from '../../bundle/joyvasa-bundle-plan.js';
import { auditAudioEncoder, auditMotionGenerator } from '../../node/motion-generator-audit.js';
import { livePortraitNetworks } from '../../node/official-files.js';
import {
  livePortraitEntries,
  retargetingEntries,
  stitchingKeys,
} from '../../node/read-liveportrait-checkpoints.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { fixtureFaceDetector, fixtureLandmarks106, fixtureLandmarks203 } from '../fixture-detectors.js';
import { formulaParameter } from '../formula.js';
import { createFormulaSource } from '../formula-source.js';
import { numpyArrayPickle } from '../numpy-pickle.js';
import { type PickleWritable, pickleOrderedDict, picklePosixPath, writePickle } from '../pickle-writer.js';
import {
  fixtureHubertConfig,
  fixtureLivePortraitSizes,
  fixtureMotionGeneratorConfig,
  syntheticMotionTemplate,
} from '../synthetic-bundle.js';
import { writeTorchCheckpoint } from '../torch-zip-writer.js';

/** Options of {@link writeFormulaCheckpoints}. */
export interface WriteFormulaCheckpointsOptions {
  /** `fixture`: the tiny networks of the fixture bundle; `official`: the released sizes (~1 GB of files). */
  readonly sizes: 'fixture' | 'official';
  /** Formula seed, as in `planSyntheticBundle`. Default `A`. */
  readonly seed?: string;
  /** Write `liveportrait_animals/base_models/*.pth` (seed `<seed>:animal`). Default true. */
  readonly animal?: boolean;
  /** Write the fixture stand-ins of `det_10g.onnx`, `2d106det.onnx` and `landmark.onnx`. Default true. */
  readonly detectors?: boolean;
}

/** A formula source that keeps every tensor it serves, in the order asked. */
function capturingFormulaSource(seed: string): { source: WeightSource; served: Map<string, TensorLike> } {
  const formula = createFormulaSource(seed);
  const served = new Map<string, TensorLike>();
  const source: WeightSource = {
    get(key, shape) {
      const tensor = formula.get(key, shape);
      served.set(key, tensor);
      return tensor;
    },
    shapeOf: () => undefined,
    keys: () => [...served.keys()],
    synthetic: true,
  };
  return { source, served };
}

/** The formula state dict of `entries`; BatchNorm counters as int64 scalars, as PyTorch stores them. */
function formulaStateDict(entries: readonly StateDictEntry[], seed: string): Map<string, TensorLike> {
  // One source per file serves spectral-norm `weight_u`/`weight_v` from the preceding `weight_orig`.
  const formula = createFormulaSource(seed);
  return new Map(
    entries.map(({ key, shape }) => [
      key,
      key.endsWith('.num_batches_tracked') ? formulaParameter(seed, key, shape) : formula.get(key, shape),
    ]),
  );
}

/**
 * The formula weights of a HuBERT / wav2vec2 encoder for `config`, keys prefixed with `prefix`, in the
 * naming of current PyTorch (`pos_conv_embed.conv.parametrizations.weight.original0/1`). The key list is
 * whatever the encoder graph reads, found by building it once.
 */
export function formulaAudioEncoderStateDict(
  config: HubertConfig,
  seed = 'A',
  prefix = '',
): Map<string, TensorLike> {
  const { source, served } = capturingFormulaSource(seed);
  const audit = auditAudioEncoder(source, config);
  return new Map(audit.used.map((key) => [prefix + key, served.get(key)!]));
}

/** Buffers the official module saves but no graph reads: masks, sinusoid tables and the diffusion schedule. */
function motionGeneratorBuffers(config: MotionModelSizes, audio: HubertConfig, seed: string) {
  const { modelDim: d, diffusionSteps: steps } = config;
  const tokens = config.contextFrames + config.windowFrames;
  const mask = new Uint8Array(tokens * tokens).map((_, i) => (Math.floor(i / tokens) !== i % tokens ? 1 : 0));
  const table = (rows: number) => createTensor('float32', [1, rows, d], sinusoidRows(0, rows, d).data);
  // A linear beta schedule stands in for the trained one: the runtime computes its own.
  const betas = Float32Array.from({ length: steps + 1 }, (_, t) =>
    t === 0 ? 0 : 1e-4 + ((0.02 - 1e-4) * (t - 1)) / steps,
  );
  const alphas = betas.map((beta) => 1 - beta);
  let product = 1;
  const alphaBars = alphas.map((alpha) => (product *= alpha));
  const vector = (values: Float32Array) => createTensor('float32', [steps + 1], values);
  return new Map<string, TensorLike>([
    [
      'audio_encoder.masked_spec_embed',
      formulaParameter(seed, 'audio_encoder.masked_spec_embed', [audio.hiddenSize]),
    ],
    ['denoising_net.alignment_mask', createTensor('bool', [tokens, tokens], mask)],
    ['denoising_net.TE.pe', table(steps + 1)],
    ['denoising_net.PE.pe', table(positionalTableLength)],
    ['diffusion_sched.betas', vector(betas)],
    ['diffusion_sched.alphas', vector(alphas)],
    ['diffusion_sched.alpha_bars', vector(alphaBars)],
    ['diffusion_sched.sigmas_flex', vector(betas.map(Math.sqrt))],
    ['diffusion_sched.sigmas_inflex', vector(betas.map(Math.sqrt))],
  ]);
}

/** The `{args, model, iter}` object of JoyVASA's train.py, with formula weights. */
function motionGeneratorCheckpoint(
  config: MotionModelSizes,
  audio: HubertConfig,
  seed: string,
): Map<string, PickleWritable> {
  const { source, served } = capturingFormulaSource(seed);
  const audit = auditMotionGenerator(source, config, audio);
  const model = new Map(audit.used.map((key) => [key, served.get(key)!]));
  for (const [key, tensor] of motionGeneratorBuffers(config, audio, seed)) model.set(key, tensor);
  const args = {
    data_root: picklePosixPath('/data/joyvasa/train'),
    audio_model: config.audioModel,
    feature_dim: config.modelDim,
    n_heads: config.heads,
    n_layers: config.layers,
    mlp_ratio: config.mlpRatio,
    n_motions: config.windowFrames,
    n_prev_motions: config.contextFrames,
    motion_feat_dim: config.motionDim,
    n_diff_steps: config.diffusionSteps,
    fps: config.fps,
    pad_mode: config.padMode,
    align_mask_width: 1,
  };
  return new Map<string, PickleWritable>([
    ['args', args],
    ['model', pickleOrderedDict(model)],
    ['iter', 20000],
  ]);
}

type Written = [path: string, bytes: Uint8Array];

/** One thunk per base network, so only one file's tensors are alive at a time. */
function livePortraitFiles(folder: string, seed: string, sizes: LivePortraitSizes): (() => Written)[] {
  return livePortraitNetworks.map((network) => () => {
    const stem = bundleComponents[network];
    const stateDict = formulaStateDict(livePortraitEntries(network, sizes), seed);
    const bytes = writeTorchCheckpoint(pickleOrderedDict(stateDict), { archiveName: stem });
    return [`${folder}/base_models/${stem}.pth`, bytes];
  });
}

/** A HuBERT `config.json` (HubertModel, transformers field names) describing `config`. */
export function hubertConfigJson(config: HubertConfig): Record<string, unknown> {
  return {
    _name_or_path: config.name,
    architectures: ['HubertModel'],
    model_type: 'hubert',
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: 'gelu',
    layer_norm_eps: config.layerNormEps,
    conv_dim: config.convDim,
    conv_kernel: config.convKernel,
    conv_stride: config.convStride,
    conv_bias: false,
    feat_extract_norm: 'group',
    feat_extract_activation: 'gelu',
    feat_proj_layer_norm: config.featProjLayerNorm,
    do_stable_layer_norm: false,
    num_conv_pos_embeddings: config.numConvPosEmbeddings,
    num_conv_pos_embedding_groups: config.numConvPosEmbeddingGroups,
  };
}

function stitchingFile(seed: string): Written {
  const dicts = new Map(
    Object.entries(stitchingKeys).map(([role, key]) => {
      const entries = retargetingEntries(role as keyof typeof stitchingKeys);
      // Stored as DDP saved them: every key under `module.`.
      const prefixed = [...formulaStateDict(entries, seed)].map(
        ([name, t]) => [`module.${name}`, t] as const,
      );
      return [key, pickleOrderedDict(new Map(prefixed))];
    }),
  );
  const bytes = writeTorchCheckpoint(dicts, { archiveName: 'stitching_retargeting_module' });
  return ['liveportrait/retargeting_models/stitching_retargeting_module.pth', bytes];
}

function templateFile(): Written {
  const template = Object.entries(syntheticMotionTemplate()).map(
    ([key, values]) => [key, numpyArrayPickle(Float32Array.from(values))] as const,
  );
  return ['JoyVASA/motion_template/motion_template.pkl', writePickle(new Map(template))];
}

function detectorFiles(): (() => Written)[] {
  return [
    () => ['insightface/models/buffalo_l/det_10g.onnx', fixtureFaceDetector().bytes],
    () => ['insightface/models/buffalo_l/2d106det.onnx', fixtureLandmarks106().bytes],
    () => ['liveportrait/landmark.onnx', fixtureLandmarks203().bytes],
  ];
}

/**
 * Writes formula-weight checkpoints in the official `pretrained_weights` layout, in the official file
 * formats (torch zip checkpoints, a plain numpy pickle, a HuBERT `config.json`), so the converter can be
 * tried, and tested, without the real files. Converting them with the matching sizes gives the same graphs
 * as `planSyntheticBundle` with the same seed (`fixture` needs `fixtureLivePortraitSizes` and 4 denoiser
 * heads). Files are generated and written one at a time. Returns the paths written, relative to `dir`.
 */
export async function writeFormulaCheckpoints(
  dir: string,
  options: WriteFormulaCheckpointsOptions,
): Promise<string[]> {
  const seed = options.seed ?? 'A';
  const fixture = options.sizes === 'fixture';
  const sizes = fixture ? fixtureLivePortraitSizes : officialLivePortraitSizes;
  const motion = fixture ? fixtureMotionGeneratorConfig : releasedMotionGeneratorConfig;
  const audio = fixture ? fixtureHubertConfig : chineseHubertBaseConfig;
  const encoder = new TextEncoder();
  // Thunks, so that only one file's tensors and bytes are alive at a time (the official sizes are large).
  const files: (() => Written)[] = [
    ...livePortraitFiles('liveportrait', seed, sizes),
    ...(options.animal === false ? [] : livePortraitFiles('liveportrait_animals', `${seed}:animal`, sizes)),
    () => stitchingFile(seed),
    () => [
      'JoyVASA/motion_generator/motion_generator_hubert_chinese.pt',
      writeTorchCheckpoint(motionGeneratorCheckpoint(motion, audio, seed), {
        archiveName: 'motion_generator_hubert_chinese',
      }),
    ],
    templateFile,
    () => [
      'chinese-hubert-base/config.json',
      encoder.encode(`${JSON.stringify(hubertConfigJson(audio), null, 2)}\n`),
    ],
    ...(options.detectors === false ? [] : detectorFiles()),
  ];
  const written: string[] = [];
  for (const make of files) {
    const [path, bytes] = make();
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
    written.push(path);
  }
  return written;
}
