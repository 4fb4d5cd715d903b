import type { GoldenContext } from '../golden-case.js';

/** The folder of the whole-pipeline vectors inside a seed folder. */
export const pipelineFolder = 'pipeline';

/** One array of the pipeline manifest. */
export interface PipelineFile {
  readonly file: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** The official `InferenceConfig` fields a variant ran with (snake_case, as the manifest stores them). */
export interface PipelineInferenceConfig {
  readonly flag_do_crop: boolean;
  readonly flag_stitching: boolean;
  readonly flag_pasteback: boolean;
  readonly flag_relative_motion: boolean;
  readonly flag_normalize_lip: boolean;
  readonly source_max_dim: number;
  readonly source_division: number;
  readonly animation_region: 'all' | 'exp' | 'pose' | 'lip' | 'eyes';
  readonly driving_option: 'expression-friendly' | 'pose-friendly';
  readonly driving_multiplier: number;
}

/** The optional `CropConfig` of a variant; absent fields are the official defaults (scale 2.3, vy −0.125). */
export interface PipelineCropConfig {
  readonly scale?: number;
  readonly vy_ratio?: number;
  readonly flag_do_rot?: boolean;
  readonly det_thresh?: number;
}

/** One configuration the official `execute` ran with, and every stage it recorded. */
export interface PipelineVariant {
  readonly inference_config: PipelineInferenceConfig;
  readonly crop_config?: PipelineCropConfig;
  readonly arguments: { readonly cfg_scale: number; readonly is_smooth_motion: boolean };
  readonly crop: Readonly<Record<'M_o2c' | 'M_c2o' | 'img_crop_512' | 'img_crop_256', PipelineFile>>;
  readonly source: Readonly<Record<string, PipelineFile>>;
  readonly lip_normalisation?: {
    readonly combined_lip_ratio: PipelineFile;
    readonly lip_delta_before_animation: PipelineFile;
  };
  readonly motion: {
    readonly windows: readonly Readonly<
      Record<'audio_in' | 'indicator' | 'audio_feat' | 'motion', PipelineFile>
    >[];
    readonly n_frames: number;
  } & Readonly<Record<'exp' | 'scale' | 't' | 'pitch' | 'yaw' | 'roll' | 'R', PipelineFile>>;
  readonly keypoints: { readonly x_d: PipelineFile };
  readonly frames: Readonly<Record<string, PipelineFile>>;
  readonly pasted: Readonly<Record<string, PipelineFile>>;
  readonly mask_ori: PipelineFile;
}

/** `pipeline/manifest.json`. */
export interface PipelineManifest {
  readonly seed: string;
  readonly variants: Readonly<Record<string, PipelineVariant>>;
  /** `legacy …` or `fixed …`: the DiT's positional encoding the run used. */
  readonly positional_encoding?: string;
  readonly inputs: Readonly<
    Record<'source' | 'lmk106' | 'lmk203' | 'audio' | 'audio_wav' | 'motion_template', string>
  >;
}

/** The positional encoding a pipeline manifest names (legacy unless it says `fixed`). */
export const manifestPositionalEncoding = (manifest: PipelineManifest): 'legacy' | 'fixed' =>
  /^\s*fixed/i.test(manifest.positional_encoding ?? '') ? 'fixed' : 'legacy';

/** Paths of the pipeline folder, relative to the seed folder. */
export const pipelinePath = (file: string) => `${pipelineFolder}/${file}`;

/** Reads the pipeline manifest, or null when the seed folder has no pipeline vectors. */
export async function readPipelineManifest(context: GoldenContext): Promise<PipelineManifest | null> {
  try {
    return (await context.readJson(pipelinePath('manifest.json'))) as PipelineManifest;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
}

/** The saved frames of a variant, in order, with their index. */
export function savedFrames(files: Readonly<Record<string, PipelineFile>>): [number, PipelineFile][] {
  return Object.entries(files)
    .map(([index, file]): [number, PipelineFile] => [Number(index), file])
    .sort((a, b) => a[0] - b[0]);
}
