import {
  graphIo,
  InvalidInputError,
  type MotionModelSizes,
  type PositionalEncodingMode,
  positionalEncodingModes,
} from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { linear } from '../layers.js';
import { decoderLayer } from './decoder-layer.js';
import { sinusoidRows } from './sinusoid-table.js';

export type { PositionalEncodingMode };

/** Options of {@link buildDenoiser}. */
export interface BuildDenoiserOptions {
  /** Default `legacy`, the behaviour the released weights were trained with. */
  readonly positionalEncoding?: PositionalEncodingMode;
}

/** Keys of the motion-generator state dict that the graphs compute themselves or that belong to other graphs. */
export const motionGeneratorComputedKeys: readonly RegExp[] = [
  /^denoising_net\.(TE|PE)\.pe$/,
  /^denoising_net\.alignment_mask$/,
  /^diffusion_sched\./,
  /^audio_encoder\./,
];

/** Checks a stored alignment mask (True = blocked) is the diagonal one the cross-attention reduction needs. */
function checkAlignmentMask(weights: WeightSource, tokens: number): void {
  const key = 'denoising_net.alignment_mask';
  if (weights.synthetic || !weights.shapeOf(key)) return;
  const mask = weights.get(key, [tokens, tokens]).data;
  for (let i = 0; i < tokens; i++) {
    for (let j = 0; j < tokens; j++) {
      if ((mask[i * tokens + j] !== 0) !== (i !== j)) {
        throw new InvalidInputError(
          key,
          `entry [${i}, ${j}] is not that of the diagonal mask (align_mask_width 1); this checkpoint needs ` +
            'a general masked cross-attention, which this builder does not implement',
        );
      }
    }
  }
}

/**
 * JoyVASA's `DenoisingNetwork`, one call as an ONNX graph (batch B free; 2 under classifier-free guidance).
 *
 * Inputs: `x_t` [B, window, motionDim] noisy motion, `audio_feat` [B, window, d] projected audio features,
 * `prev_motion` [B, context, motionDim], `prev_audio` [B, context, d], `step` [B] int64 in 1..T.
 * Output: `x0` [B, context + window, motionDim], the predicted clean motion of context and window.
 *
 * The time-embedding table (T+1 rows) and the positional table are computed here, not read from the
 * checkpoint; the masked cross-attention is the exact per-token reduction of {@link alignedCrossAttention}.
 */
export function buildDenoiser(
  weights: WeightSource,
  config: MotionModelSizes,
  options: BuildDenoiserOptions = {},
): GraphBuilder {
  const mode = options.positionalEncoding ?? 'legacy';
  if (!positionalEncodingModes.includes(mode)) {
    throw new InvalidInputError('options.positionalEncoding', `'${mode}' is not 'legacy' or 'fixed'`);
  }
  const { modelDim: d, motionDim, windowFrames, contextFrames, diffusionSteps } = config;
  const tokens = contextFrames + windowFrames;
  checkAlignmentMask(weights, tokens);
  const g = new GraphBuilder('joyvasa_denoiser');
  const names = graphIo.denoiser.inputs;
  const xT = g.input(names.sample, 'float32', ['batch', windowFrames, motionDim]);
  const audio = g.input(names.audio, 'float32', ['batch', windowFrames, d]);
  const prevMotion = g.input(names.previousMotion, 'float32', ['batch', contextFrames, motionDim]);
  const prevAudio = g.input(names.previousAudio, 'float32', ['batch', contextFrames, d]);
  const step = g.input(names.timestep, 'int64', ['batch']);
  const net = 'denoising_net';

  const timeTable = g.initializer(sinusoidRows(0, diffusionSteps + 1, d), `${net}.TE.pe`);
  const stepEmbedding = g.scope('time_embedding', () => {
    const row = g.op('Gather', [timeTable, step], { axis: 0 });
    const hidden = g.gelu(linear(g, weights, `${net}.diff_step_map.0`, row, d, d));
    return g.unsqueeze(linear(g, weights, `${net}.diff_step_map.2`, hidden, d, d), [1]);
  });

  const motion = g.concat([prevMotion, xT], 1);
  const positions = mode === 'legacy' ? sinusoidRows(tokens, 1, d) : sinusoidRows(0, tokens, d);
  let h = linear(g, weights, `${net}.feature_proj`, motion, motionDim, d);
  h = g.add(g.add(h, g.initializer(positions, `${net}.PE.pe`)), stepEmbedding);
  const memory = g.concat([prevAudio, audio], 1);

  const sizes = { width: d, heads: config.heads, feedForward: config.mlpRatio * d, tokens };
  for (let layer = 0; layer < config.layers; layer++) {
    const prefix = `${net}.transformer.layers.${layer}`;
    h = g.scope(`layer${layer}`, () => decoderLayer(g, weights, prefix, h, memory, sizes));
  }

  const hidden = g.gelu(linear(g, weights, `${net}.motion_dec.0`, h, d, d / 2));
  const x0 = linear(g, weights, `${net}.motion_dec.2`, hidden, d / 2, motionDim);
  g.output(x0, graphIo.denoiser.outputs.x0, 'float32', ['batch', tokens, motionDim]);
  return g;
}
