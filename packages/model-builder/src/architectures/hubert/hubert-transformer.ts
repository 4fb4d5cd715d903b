import { createTensor, type Float32Tensor } from '@joyvasa/core';
import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { weightNormWeight } from '../../weights/reparametrizations.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { convWithWeight, layerNorm, linear } from '../layers.js';
import type { HubertConfig } from './hubert-config.js';

const posConv = 'encoder.pos_conv_embed.conv';

/**
 * The effective kernel of the positional convolution, [hiddenSize, hiddenSize / groups, kernel]. Reads
 * weight norm as `parametrizations.weight.original0/original1` (g, v: torch ≥ 2.1) or as the legacy
 * `weight_g/weight_v`, and takes a plain `weight` as already baked. The kernel is `g · v / ‖v‖` with the
 * norm over every axis but the last (`weight_norm(dim=2)`, g of shape [1, 1, kernel]).
 */
export function positionalConvWeight(weights: WeightSource, config: HubertConfig): Float32Tensor {
  const kernel = config.numConvPosEmbeddings;
  const shape = [config.hiddenSize, config.hiddenSize / config.numConvPosEmbeddingGroups, kernel];
  if (weights.shapeOf(`${posConv}.weight`)) return weights.get(`${posConv}.weight`, shape);
  const legacy = weights.shapeOf(`${posConv}.weight_g`) !== undefined;
  const gKey = legacy ? `${posConv}.weight_g` : `${posConv}.parametrizations.weight.original0`;
  const vKey = legacy ? `${posConv}.weight_v` : `${posConv}.parametrizations.weight.original1`;
  return weightNormWeight(weights.get(gKey, [1, 1, kernel]), weights.get(vKey, shape), 2);
}

/**
 * The positional embedding added to the projected features: grouped Conv1d (padding kernel/2, bias), the
 * last output frame dropped for an even kernel (`SamePadLayer`), exact GELU. `h` [batch, frames, hidden].
 */
function positionalConv(g: GraphBuilder, weights: WeightSource, config: HubertConfig, h: string): string {
  return g.scope('pos_conv_embed', () => {
    const kernel = config.numConvPosEmbeddings;
    let p = convWithWeight(
      g,
      g.transpose(h, [0, 2, 1]),
      positionalConvWeight(weights, config),
      {
        inChannels: config.hiddenSize,
        outChannels: config.hiddenSize,
        kernel: [kernel],
        padding: Math.floor(kernel / 2),
        groups: config.numConvPosEmbeddingGroups,
      },
      posConv,
      weights,
    );
    if (kernel % 2 === 0) p = g.slice(p, [0], [-1], [2]);
    return g.add(h, g.transpose(g.gelu(p), [0, 2, 1]));
  });
}

/**
 * q, k and v of one layer as one [hidden, 3·hidden] matrix and bias, so a single MatMul computes all three.
 * The attention scale `headDim^-0.5` is folded into q (exact for power-of-two head sizes such as 64).
 */
function fusedQkv(weights: WeightSource, prefix: string, hidden: number, scale: number) {
  const matrix = new Float32Array(hidden * 3 * hidden);
  const bias = new Float32Array(3 * hidden);
  (['q', 'k', 'v'] as const).forEach((name, part) => {
    const factor = name === 'q' ? scale : 1;
    const w = weights.get(`${prefix}.${name}_proj.weight`, [hidden, hidden]).data;
    const b = weights.get(`${prefix}.${name}_proj.bias`, [hidden]).data;
    for (let out = 0; out < hidden; out++) {
      const column = part * hidden + out;
      for (let i = 0; i < hidden; i++) matrix[i * 3 * hidden + column] = w[out * hidden + i]! * factor;
      bias[column] = b[out]! * factor;
    }
  });
  return {
    weight: createTensor('float32', [hidden, 3 * hidden], matrix),
    bias: createTensor('float32', [3 * hidden], bias),
  };
}

/** Multi-head self-attention without mask (`attention.*`). `h` [batch, frames, hidden] → same shape. */
function selfAttention(
  g: GraphBuilder,
  weights: WeightSource,
  config: HubertConfig,
  prefix: string,
  h: string,
) {
  const hidden = config.hiddenSize;
  const heads = config.numAttentionHeads;
  const headDim = hidden / heads;
  const qkv = fusedQkv(weights, prefix, hidden, headDim ** -0.5);
  const projected = g.add(
    g.matmul(h, g.initializer(qkv.weight, `${prefix}.qkv_proj.weight`)),
    g.initializer(qkv.bias, `${prefix}.qkv_proj.bias`),
  );
  const [q, k, v] = g.opN('Split', [projected, g.int64([hidden, hidden, hidden])], 3, { axis: -1 });
  const heads4d = (x: string, perm: readonly number[]) =>
    g.transpose(g.reshape(x, [0, 0, heads, headDim]), perm);
  const scores = g.matmul(heads4d(q!, [0, 2, 1, 3]), heads4d(k!, [0, 2, 3, 1]));
  const context = g.matmul(g.softmax(scores, -1), heads4d(v!, [0, 2, 1, 3]));
  const merged = g.reshape(g.transpose(context, [0, 2, 1, 3]), [0, 0, hidden]);
  return linear(g, weights, `${prefix}.out_proj`, merged, hidden, hidden);
}

/** One post-LN encoder layer: `h = LN(h + MHA(h))`, `h = LN_final(h + W2 GELU(W1 h))`. */
function encoderLayer(
  g: GraphBuilder,
  weights: WeightSource,
  config: HubertConfig,
  index: number,
  h: string,
) {
  const prefix = `encoder.layers.${index}`;
  const { hiddenSize: hidden, intermediateSize: inner, layerNormEps: eps } = config;
  return g.scope(`layer_${index}`, () => {
    const attended = g.add(h, selfAttention(g, weights, config, `${prefix}.attention`, h));
    const normed = layerNorm(g, weights, `${prefix}.layer_norm`, attended, hidden, eps);
    const ff = `${prefix}.feed_forward`;
    const expanded = g.gelu(linear(g, weights, `${ff}.intermediate_dense`, normed, hidden, inner));
    const fed = g.add(normed, linear(g, weights, `${ff}.output_dense`, expanded, inner, hidden));
    return layerNorm(g, weights, `${prefix}.final_layer_norm`, fed, hidden, eps);
  });
}

/**
 * The transformer encoder (`encoder.*`, `do_stable_layer_norm = false`): positional convolution added,
 * LayerNorm, then `numHiddenLayers` post-LN layers. `h` [batch, frames, hidden] → the last hidden state.
 */
export function hubertTransformer(
  g: GraphBuilder,
  weights: WeightSource,
  config: HubertConfig,
  h: string,
): string {
  return g.scope('encoder', () => {
    let x = positionalConv(g, weights, config, h);
    x = layerNorm(g, weights, 'encoder.layer_norm', x, config.hiddenSize, config.layerNormEps);
    for (let i = 0; i < config.numHiddenLayers; i++) x = encoderLayer(g, weights, config, i, x);
    return x;
  });
}
