import type { MotionModelSizes } from '@joyvasa/core';
import type { HubertConfig } from '../architectures/hubert/hubert-config.js';
import { buildHubertEncoder } from '../architectures/hubert/hubert-encoder.js';
import { buildAudioProjection } from '../architectures/joyvasa/build-audio-projection.js';
import { buildDenoiser } from '../architectures/joyvasa/build-denoiser.js';
import { readMotionStartTensors } from '../architectures/joyvasa/motion-start-features.js';
import {
  auditWeights,
  prefixedSource,
  type WeightAudit,
  type WeightSource,
} from '../weights/weight-source.js';

/**
 * Keys of the JoyVASA checkpoint that no graph reads and that are expected there: buffers the graphs compute
 * themselves (`TE.pe`, `PE.pe`, the diffusion schedule), the alignment mask (checked by the denoiser builder,
 * not baked), HuBERT's training-only `masked_spec_embed` and BatchNorm counters.
 */
export const motionGeneratorIgnoredKeys: readonly RegExp[] = [
  /\.num_batches_tracked$/,
  /^denoising_net\.(TE|PE)\.pe$/,
  /^denoising_net\.alignment_mask$/,
  /^diffusion_sched\./,
  /^audio_encoder\.masked_spec_embed$/,
];

/**
 * Builds every motion-generator graph once on an audited view of `weights` (start features, audio
 * projection, denoiser, `audio_encoder.*` HuBERT) and returns what the build asked for. Over a checkpoint's
 * state dict this finds every missing or mis-shaped key in one pass (and runs the denoiser's alignment-mask
 * check); over a formula source, `audit.used` is the key list of a checkpoint for `config`.
 */
export function auditMotionGenerator(
  weights: WeightSource,
  config: MotionModelSizes,
  audioConfig: HubertConfig,
): WeightAudit {
  const { source, audit } = auditWeights(weights);
  readMotionStartTensors(source, config);
  buildAudioProjection(source, config);
  buildDenoiser(source, config);
  buildHubertEncoder(prefixedSource(source, 'audio_encoder.'), audioConfig);
  return audit;
}

/** Like {@link auditMotionGenerator} for a bare HuBERT / wav2vec2 encoder whose keys carry `prefix`. */
export function auditAudioEncoder(weights: WeightSource, config: HubertConfig, prefix = ''): WeightAudit {
  const { source, audit } = auditWeights(weights);
  buildHubertEncoder(prefix ? prefixedSource(source, prefix) : source, config);
  return audit;
}
