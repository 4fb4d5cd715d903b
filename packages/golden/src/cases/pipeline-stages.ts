import { createTensor, type RgbImage, type TensorLike } from '@joyvasa/core';
import { imageToTensor } from '@joyvasa/liveportrait';
import {
  computeLipDelta,
  cropSource,
  keypointCount,
  lipCloseRatio,
  parseKeypointInfo,
  resizeToLimit,
  transformKeypoint,
} from '@joyvasa/liveportrait/internal';
import type { MotionTemplate } from '@joyvasa/motion-diffusion';
import { compareToGolden, type GoldenComparison, type GoldenContext } from '../golden-case.js';
import { compareAbsolute, compareLevels, pipelineTolerances } from './pipeline-compare.js';
import { type PipelineFile, type PipelineVariant, pipelinePath } from './pipeline-manifest.js';
import type { PipelineNetworks } from './pipeline-networks.js';

/** Values of one frame's keypoints (21 × 3). */
export const keypointValues = 3 * keypointCount;

/** The rate the reference loads its audio at (`librosa.load(sr=16000)`), which its HuBERT takes. */
export const referenceSampleRate = 16000;

/** The inputs of the whole pipeline, read once for every variant. */
export interface PipelineInputs {
  readonly image: RgbImage;
  readonly landmarks106: Float32Array;
  readonly landmarks203: Float32Array;
  /** `audio.npy`: what `librosa.load` returned, 16 kHz mono. */
  readonly pcm: Float32Array;
  readonly template: MotionTemplate;
}

/** What each stage works with. */
export interface StageContext {
  readonly context: GoldenContext;
  /** `pipeline.<variant>.` */
  readonly prefix: string;
  readonly variant: PipelineVariant;
  readonly inputs: PipelineInputs;
  readonly networks: PipelineNetworks;
}

export const readGolden = (stage: StageContext, file: PipelineFile) =>
  stage.context.readArray(pipelinePath(file.file));

const float32 = (dims: readonly number[], data: ArrayLike<number>) =>
  createTensor('float32', dims, Float32Array.from(data));

const asImage = (tensor: TensorLike): RgbImage => ({
  width: tensor.dims[1]!,
  height: tensor.dims[0]!,
  channels: 3,
  data: tensor.data as Uint8Array,
});

/** The crop options of a variant: its `crop_config` where the manifest has one, else the official defaults. */
export function variantCropOptions(variant: PipelineVariant) {
  const crop = variant.crop_config ?? {};
  return {
    ...(crop.scale !== undefined ? { scale: crop.scale } : {}),
    ...(crop.vy_ratio !== undefined ? { vyRatio: crop.vy_ratio } : {}),
    ...(crop.flag_do_rot !== undefined ? { rotate: crop.flag_do_rot } : {}),
  };
}

/** The source-size limit of a variant (`source_max_dim`, `source_division`). */
export const variantSizeLimit = (variant: PipelineVariant) => ({
  maxDim: variant.inference_config.source_max_dim,
  division: variant.inference_config.source_division,
});

/** crop: source.png and lmk106 → the crop matrices and the 512 and 256 crops. */
export async function cropStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}crop`;
  const { variant, inputs } = stage;
  const image = resizeToLimit(inputs.image, variantSizeLimit(variant));
  const crop = cropSource(image, inputs.landmarks106, variantCropOptions(variant));
  const files = variant.crop;
  const rows: GoldenComparison[] = [];
  for (const name of ['M_o2c', 'M_c2o'] as const) {
    const matrix = float32([3, 3], name === 'M_o2c' ? crop.transform.mO2c : crop.transform.mC2o);
    const golden = await readGolden(stage, files[name]);
    rows.push(compareAbsolute(module, name, matrix, golden, pipelineTolerances.cropMatrix));
  }
  for (const [name, pixels] of [
    ['img_crop_512', crop.image.data],
    ['img_crop_256', crop.input.data],
  ] as const) {
    const golden = await readGolden(stage, files[name]);
    rows.push(...compareLevels(module, name, pixels, golden, pipelineTolerances.cropImage));
  }
  return rows;
}

/** source: the golden 256 crop → I_s, M's keypoint info, x_s. */
export async function sourceStage(stage: StageContext): Promise<GoldenComparison[]> {
  const module = `${stage.prefix}source`;
  const files = stage.variant.source;
  const img = imageToTensor(asImage(await readGolden(stage, stage.variant.crop.img_crop_256)));
  const raw = await stage.networks.liveportrait.motion.run({ img });
  const info = parseKeypointInfo(raw);
  const actual: Record<string, TensorLike> = {
    I_s: img,
    kp_info_pitch: float32([1, 1], [info.pitch]),
    kp_info_yaw: float32([1, 1], [info.yaw]),
    kp_info_roll: float32([1, 1], [info.roll]),
    kp_info_t: float32([1, 3], info.t),
    kp_info_exp: float32([1, keypointCount, 3], info.exp),
    kp_info_scale: float32([1, 1], [info.scale]),
    kp_info_kp: float32([1, keypointCount, 3], info.kp),
    x_s: float32([1, keypointCount, 3], transformKeypoint(info)),
  };
  const rows: GoldenComparison[] = [];
  for (const [name, file] of Object.entries(files)) {
    const value = actual[name];
    if (value) rows.push(compareToGolden(module, name, value, await readGolden(stage, file)));
  }
  return rows;
}

/** The golden keypoint info of a variant's source (`V_kp_info_*`). */
export async function goldenKeypointInfo(stage: StageContext) {
  const names = ['pitch', 'yaw', 'roll', 't', 'exp', 'scale', 'kp'] as const;
  const arrays = await Promise.all(
    names.map((name) => readGolden(stage, stage.variant.source[`kp_info_${name}`]!)),
  );
  return parseKeypointInfo(Object.fromEntries(names.map((name, i) => [name, arrays[i]!])));
}

/** lip: lmk203 and the golden x_s → the lip ratio and lip_delta (variants with lip normalisation). */
export async function lipStage(stage: StageContext): Promise<GoldenComparison[]> {
  const files = stage.variant.lip_normalisation;
  if (!files) return [];
  const module = `${stage.prefix}lip`;
  const xs = (await readGolden(stage, stage.variant.source.x_s!)).data as Float32Array;
  const ratio = lipCloseRatio(stage.inputs.landmarks203);
  const delta = await computeLipDelta(xs, stage.inputs.landmarks203, stage.networks.liveportrait.lip);
  return [
    compareToGolden(
      module,
      'lip_ratio',
      float32([1, 2], [ratio, 0]),
      await readGolden(stage, files.combined_lip_ratio),
    ),
    compareToGolden(
      module,
      'lip_delta',
      float32([1, keypointCount, 3], delta ?? new Float32Array(keypointValues)),
      await readGolden(stage, files.lip_delta_before_animation),
    ),
  ];
}
