import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type Float32Tensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../../synthetic/formula.js';
import type { WeightSource } from '../../weights/weight-source.js';
import type { HubertConfig } from './hubert-config.js';
import { buildHubertEncoder } from './hubert-encoder.js';

const tiny: HubertConfig = {
  name: 'tiny-hubert',
  hiddenSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 64,
  layerNormEps: 1e-5,
  convDim: [32, 32, 32, 32, 32, 32, 32],
  convKernel: [10, 3, 3, 3, 3, 2, 2],
  convStride: [5, 2, 2, 2, 2, 2, 2],
  numConvPosEmbeddings: 16,
  numConvPosEmbeddingGroups: 4,
  featProjLayerNorm: true,
};

/**
 * Uniform pseudo-random weights per key (`sqrt(3 / fan_in)` scaled matrices, norms near 1). Unlike the
 * smooth formula weights they keep the CNN output far from zero and the frames distinct, so a mistake in
 * the conv stack or in attention's axes shows up downstream.
 */
function randomSource(): WeightSource {
  const cache = new Map<string, Float32Tensor>();
  return {
    synthetic: true,
    shapeOf: () => undefined,
    keys: () => [...cache.keys()],
    get(key, shape) {
      const cached = cache.get(key);
      if (cached) return cached;
      let state = fnv1a32(key);
      const uniform = () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return (state / 2 ** 32) * 2 - 1;
      };
      const n = shape.reduce((a, b) => a * b, 1);
      const fanIn = n / shape[0]!;
      const value = (u: number) =>
        key.endsWith('weight') && shape.length >= 2
          ? u * Math.sqrt(3 / fanIn)
          : key.endsWith('weight')
            ? 1 + 0.2 * u
            : key.endsWith('bias')
              ? 0.1 * u
              : 0.5 + 0.4 * u;
      const tensor = createTensor(
        'float32',
        shape,
        Float32Array.from({ length: n }, () => value(uniform())),
      );
      cache.set(key, tensor);
      return tensor;
    },
  };
}

// Numerical Recipes' erfc approximation (relative error < 1.2e-7): Math has no erf.
function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398];
  const poly = [...c, 1.48851587, -0.82215223, 0.17087277].reduceRight((acc, coef) => coef + t * acc, 0);
  const tail = t * Math.exp(-x * x + poly);
  return x >= 0 ? 1 - tail : tail - 1;
}
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** Rows × cols matrices, row-major, in float64. */
interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}
const matrix = (rows: number, cols: number): Matrix => ({ rows, cols, data: new Float64Array(rows * cols) });
const transpose = (m: Matrix): Matrix => {
  const out = matrix(m.cols, m.rows);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) out.data[c * m.rows + r] = m.data[r * m.cols + c]!;
  return out;
};

/** Channels × length convolution, PyTorch layout `w` [out, in / groups, k], zero padding. */
function conv1d(
  x: Matrix,
  w: Float32Tensor,
  stride: number,
  pad: number,
  groups: number,
  bias?: Float32Tensor,
) {
  const [outChannels, perGroup, k] = w.dims as [number, number, number];
  const length = Math.floor((x.cols + 2 * pad - k) / stride) + 1;
  const out = matrix(outChannels, length);
  for (let o = 0; o < outChannels; o++) {
    const group = Math.floor(o / (outChannels / groups));
    for (let t = 0; t < length; t++) {
      let sum = bias ? bias.data[o]! : 0;
      for (let c = 0; c < perGroup; c++) {
        for (let j = 0; j < k; j++) {
          const at = t * stride + j - pad;
          if (at >= 0 && at < x.cols)
            sum += w.data[(o * perGroup + c) * k + j]! * x.data[(group * perGroup + c) * x.cols + at]!;
        }
      }
      out.data[o * length + t] = sum;
    }
  }
  return out;
}

/** Normalises each row of `m` (over its columns) with weight and bias. */
function normRows(
  m: Matrix,
  weight: Float32Tensor,
  bias: Float32Tensor,
  eps: number,
  perRow: boolean,
): Matrix {
  const out = matrix(m.rows, m.cols);
  for (let r = 0; r < m.rows; r++) {
    const row = m.data.subarray(r * m.cols, (r + 1) * m.cols);
    const mean = row.reduce((a, b) => a + b, 0) / m.cols;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / m.cols;
    for (let c = 0; c < m.cols; c++) {
      const [w, b] = perRow ? [weight.data[r]!, bias.data[r]!] : [weight.data[c]!, bias.data[c]!];
      out.data[r * m.cols + c] = ((row[c]! - mean) / Math.sqrt(variance + eps)) * w + b;
    }
  }
  return out;
}

const layerNormRows = (m: Matrix, w: WeightSource, prefix: string, eps: number) =>
  normRows(m, w.get(`${prefix}.weight`, [m.cols]), w.get(`${prefix}.bias`, [m.cols]), eps, false);
const map = (m: Matrix, f: (x: number) => number): Matrix => ({ ...m, data: m.data.map(f) });
const add = (a: Matrix, b: Matrix): Matrix => ({ ...a, data: a.data.map((x, i) => x + b.data[i]!) });

/** `x Wᵀ + b` with PyTorch's `W` [out, in]. */
function dense(x: Matrix, source: WeightSource, prefix: string, outFeatures: number): Matrix {
  const w = source.get(`${prefix}.weight`, [outFeatures, x.cols]).data;
  const b = source.get(`${prefix}.bias`, [outFeatures]).data;
  const out = matrix(x.rows, outFeatures);
  for (let r = 0; r < x.rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let sum = b[o]!;
      for (let i = 0; i < x.cols; i++) sum += x.data[r * x.cols + i]! * w[o * x.cols + i]!;
      out.data[r * outFeatures + o] = sum;
    }
  }
  return out;
}

function attention(x: Matrix, w: WeightSource, prefix: string, heads: number): Matrix {
  const [q, k, v] = ['q', 'k', 'v'].map((name) => dense(x, w, `${prefix}.${name}_proj`, x.cols));
  const d = x.cols / heads;
  const out = matrix(x.rows, x.cols);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < x.rows; i++) {
      const scores = Array.from({ length: x.rows }, (_, j) => {
        let dot = 0;
        for (let e = 0; e < d; e++)
          dot += q!.data[i * x.cols + h * d + e]! * k!.data[j * x.cols + h * d + e]!;
        return dot / Math.sqrt(d);
      });
      const top = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - top));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let e = 0; e < d; e++) {
        let sum = 0;
        for (let j = 0; j < x.rows; j++) sum += (exps[j]! / total) * v!.data[j * x.cols + h * d + e]!;
        out.data[i * x.cols + h * d + e] = sum;
      }
    }
  }
  return dense(out, w, `${prefix}.out_proj`, x.cols);
}

const reflect = (x: Float64Array, p: number) =>
  Float64Array.from({ length: x.length + 2 * p }, (_, i) => {
    const j = Math.abs(i - p);
    return x[j < x.length ? j : 2 * (x.length - 1) - j]!;
  });

/** Pad, CNN and feature projection: [frames, hidden], plus the CNN output [channels, frames]. */
function referenceFrontEnd(audio: Float64Array, w: WeightSource, config: HubertConfig) {
  const padded = reflect(reflect(audio, 20), 20);
  let h: Matrix = { rows: 1, cols: padded.length, data: padded };
  config.convDim.forEach((channels, i) => {
    const prefix = `feature_extractor.conv_layers.${i}`;
    const weight = w.get(`${prefix}.conv.weight`, [channels, h.rows, config.convKernel[i]!]);
    h = conv1d(h, weight, config.convStride[i]!, 0, 1);
    if (i === 0) {
      const [scale, bias] = ['weight', 'bias'].map((name) =>
        w.get(`${prefix}.layer_norm.${name}`, [channels]),
      );
      h = normRows(h, scale!, bias!, 1e-5, true);
    }
    h = map(h, gelu);
  });
  const normed = layerNormRows(transpose(h), w, 'feature_projection.layer_norm', config.layerNormEps);
  return { convFeatures: h, projected: dense(normed, w, 'feature_projection.projection', config.hiddenSize) };
}

/** `x + GELU(weight-normed grouped conv(x))`, dropping the conv's last frame (even kernel). */
function referencePositionalConv(x: Matrix, w: WeightSource, config: HubertConfig): Matrix {
  const k = config.numConvPosEmbeddings;
  const pos = 'encoder.pos_conv_embed.conv.parametrizations.weight';
  const g = w.get(`${pos}.original0`, [1, 1, k]).data;
  const v = w.get(`${pos}.original1`, [x.cols, x.cols / config.numConvPosEmbeddingGroups, k]);
  const norms = Array.from({ length: k }, (_, j) =>
    Math.sqrt(v.data.reduce((s, value, i) => (i % k === j ? s + value * value : s), 0)),
  );
  const kernel = createTensor(
    'float32',
    v.dims,
    v.data.map((value, i) => (g[i % k]! * value) / norms[i % k]!),
  );
  const bias = w.get('encoder.pos_conv_embed.conv.bias', [x.cols]);
  const conv = conv1d(transpose(x), kernel, 1, k / 2, config.numConvPosEmbeddingGroups, bias);
  const trimmed = matrix(conv.rows, x.rows);
  for (let i = 0; i < trimmed.data.length; i++) {
    trimmed.data[i] = gelu(conv.data[Math.floor(i / x.rows) * conv.cols + (i % x.rows)]!);
  }
  return add(x, transpose(trimmed));
}

/** The official forward pass for one batch item, written independently of the graph code. */
function reference(audio: Float64Array, w: WeightSource, config: HubertConfig) {
  const eps = config.layerNormEps;
  const { convFeatures, projected } = referenceFrontEnd(audio, w, config);
  let x = layerNormRows(referencePositionalConv(projected, w, config), w, 'encoder.layer_norm', eps);
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const p = `encoder.layers.${layer}`;
    x = layerNormRows(
      add(x, attention(x, w, `${p}.attention`, config.numAttentionHeads)),
      w,
      `${p}.layer_norm`,
      eps,
    );
    const inner = map(dense(x, w, `${p}.feed_forward.intermediate_dense`, config.intermediateSize), gelu);
    const fed = add(x, dense(inner, w, `${p}.feed_forward.output_dense`, x.cols));
    x = layerNormRows(fed, w, `${p}.final_layer_norm`, eps);
  }
  const features = matrix(x.rows / 2, x.cols);
  for (let i = 0; i < features.data.length; i++) {
    const [r, c] = [Math.floor(i / x.cols), i % x.cols];
    features.data[i] = (x.data[2 * r * x.cols + c]! + x.data[(2 * r + 1) * x.cols + c]!) / 2;
  }
  return { conv_features: convFeatures, last_hidden_state: x, features };
}

function worstError(actual: TensorLike, expected: Matrix[]): { error: number; peak: number } {
  const flat = expected.flatMap((m) => [...m.data]);
  const error = flat.reduce(
    (worst, value, i) => Math.max(worst, Math.abs(Number(actual.data[i]) - value)),
    0,
  );
  return { error, peak: Math.max(...flat.map(Math.abs)) };
}

describe('buildHubertEncoder', () => {
  it('computes the same forward pass as a plain TypeScript reference (tiny config, batch 2)', async () => {
    const samples = 2560;
    const signals = [0, 1].map((b) =>
      Float64Array.from({ length: samples }, (_, i) =>
        Math.fround(
          0.4 * Math.sin(i * (0.05 + 0.03 * b)) + 0.1 * Math.sin(i * 0.9 + b) * Math.cos(i * 0.002),
        ),
      ),
    );
    const weights = randomSource();
    const model = buildHubertEncoder(weights, tiny, { debugOutputs: ['conv_features', 'last_hidden_state'] });
    const session = await createOnnxNodeBackend().createSession(model.encode(), { device: 'cpu' });
    const audio = createTensor('float32', [2, samples], Float32Array.from(signals.flatMap((s) => [...s])));
    const outputs = await session.run({ audio });
    await session.dispose();

    const expected = signals.map((signal) => reference(signal, weights, tiny));
    expect(outputs.conv_features!.dims).toEqual([2, 32, 8]);
    expect(outputs.last_hidden_state!.dims).toEqual([2, 8, 32]);
    expect(outputs.features!.dims).toEqual([2, 4, 32]);
    for (const name of ['conv_features', 'last_hidden_state', 'features'] as const) {
      const { error, peak } = worstError(
        outputs[name]!,
        expected.map((e) => e[name]),
      );
      expect(peak, `${name} must not be degenerate`).toBeGreaterThan(1e-3);
      expect(error, name).toBeLessThan(1e-5 * Math.max(1, peak));
    }
    const frames = expected[0]!.last_hidden_state;
    const spread = frames.data
      .slice(0, 32)
      .reduce((s, value, c) => s + Math.abs(value - frames.data[32 + c]!), 0);
    expect(spread, 'frames must differ, or attention axes go untested').toBeGreaterThan(0.1);
  });
});
