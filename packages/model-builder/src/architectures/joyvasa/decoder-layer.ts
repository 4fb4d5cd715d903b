import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { layerNorm, linear, linearWithWeight, sliceRows } from '../layers.js';

/** Sizes of one `nn.TransformerDecoderLayer` of the denoiser. */
export interface DecoderLayerSizes {
  /** Model width d. */
  readonly width: number;
  readonly heads: number;
  /** Feed-forward width (`mlp_ratio · d`). */
  readonly feedForward: number;
  /** Tokens per sequence (context + window frames), fixed in the graph's reshapes. */
  readonly tokens: number;
}

/**
 * Unmasked multi-head self-attention of `nn.MultiheadAttention` (`batch_first`): packed `in_proj_weight`
 * [3d, d] (rows Q, K, V), heads over contiguous channel groups, scores scaled by 1/sqrt(d / heads).
 * `x` [B, tokens, d] → [B, tokens, d].
 */
export function selfAttention(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  sizes: DecoderLayerSizes,
): string {
  const { width, heads, tokens } = sizes;
  const headDim = width / heads;
  const qkv = linearWithWeight(
    g,
    x,
    weights.get(`${prefix}.in_proj_weight`, [3 * width, width]),
    weights.get(`${prefix}.in_proj_bias`, [3 * width]),
    `${prefix}.in_proj`,
  );
  const split = (part: number) => {
    const slice = g.slice(qkv, [part * width], [(part + 1) * width], [2]);
    return g.reshape(slice, [0, tokens, heads, headDim]);
  };
  const query = g.transpose(g.mul(split(0), g.float(1 / Math.sqrt(headDim))), [0, 2, 1, 3]);
  const key = g.transpose(split(1), [0, 2, 3, 1]);
  const value = g.transpose(split(2), [0, 2, 1, 3]);
  const attention = g.softmax(g.matmul(query, key), -1);
  const context = g.reshape(g.transpose(g.matmul(attention, value), [0, 2, 1, 3]), [0, tokens, width]);
  return linear(g, weights, `${prefix}.out_proj`, context, width, width);
}

/**
 * The denoiser's cross-attention under its diagonal alignment mask (token j may attend only to memory
 * token j). A softmax over a single allowed score is 1, so the attention reduces exactly to
 * `out_proj(W_v m_j + b_v)`: the query and key projections drop out. `memory` [B, tokens, d] → [B, tokens, d].
 */
export function alignedCrossAttention(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  memory: string,
  width: number,
): string {
  const packed = weights.get(`${prefix}.in_proj_weight`, [3 * width, width]);
  const packedBias = weights.get(`${prefix}.in_proj_bias`, [3 * width]);
  const value = linearWithWeight(
    g,
    memory,
    sliceRows(packed, 2 * width, 3 * width),
    sliceRows(packedBias, 2 * width, 3 * width),
    `${prefix}.value_proj`,
  );
  return linear(g, weights, `${prefix}.out_proj`, value, width, width);
}

/**
 * One post-LN `nn.TransformerDecoderLayer` (exact GELU, eps 1e-5, dropout off):
 * `h = LN1(h + SelfAttn(h)); h = LN2(h + CrossAttn(h, m)); h = LN3(h + W2 GELU(W1 h))`.
 */
export function decoderLayer(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  h: string,
  memory: string,
  sizes: DecoderLayerSizes,
): string {
  const { width, feedForward } = sizes;
  h = layerNorm(
    g,
    weights,
    `${prefix}.norm1`,
    g.add(
      h,
      g.scope('self_attn', () => selfAttention(g, weights, `${prefix}.self_attn`, h, sizes)),
    ),
    width,
    1e-5,
  );
  const cross = g.scope('cross_attn', () =>
    alignedCrossAttention(g, weights, `${prefix}.multihead_attn`, memory, width),
  );
  h = layerNorm(g, weights, `${prefix}.norm2`, g.add(h, cross), width, 1e-5);
  const hidden = g.gelu(linear(g, weights, `${prefix}.linear1`, h, width, feedForward));
  const feed = linear(g, weights, `${prefix}.linear2`, hidden, feedForward, width);
  return layerNorm(g, weights, `${prefix}.norm3`, g.add(h, feed), width, 1e-5);
}
