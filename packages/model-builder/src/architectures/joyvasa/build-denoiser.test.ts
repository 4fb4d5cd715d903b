// The package has no onnxruntime dependency of its own; the tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import {
  type BackendV1,
  createTensor,
  type Float32Tensor,
  InvalidInputError,
  type TensorLike,
} from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { createStateDictSource, type WeightSource } from '../../weights/weight-source.js';
import { buildAudioProjection } from './build-audio-projection.js';
import { buildDenoiser, type PositionalEncodingMode } from './build-denoiser.js';
import { alignedCrossAttention } from './decoder-layer.js';
import { motionGeneratorConfig } from './motion-generator-config.js';

const backend: BackendV1 = createOnnxNodeBackend();
const config = motionGeneratorConfig({
  modelDim: 16,
  layers: 2,
  heads: 4,
  mlpRatio: 2,
  motionDim: 5,
  windowFrames: 6,
  contextFrames: 3,
  diffusionSteps: 10,
  audioFeatureDim: 12,
});
const weights = createFormulaSource('tiny');

async function run(
  model: Uint8Array,
  feeds: Record<string, TensorLike>,
): Promise<Record<string, TensorLike>> {
  const session = await backend.createSession(model, { device: 'cpu', threads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.dispose();
  }
}

// ---- A float64 reference written from the PyTorch module definitions, masked cross-attention included.

type Matrix = Float64Array; // row-major [rows, cols]

function erf(x: number): number {
  if (Math.abs(x) < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction of erfc for large |x| (Lentz-free, evaluated from the tail).
  const ax = Math.abs(x);
  let fraction = 0;
  for (let k = 60; k >= 1; k--) fraction = k / 2 / (ax + fraction);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
  return Math.sign(x) * (1 - erfc);
}
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

function get(key: string, shape: number[]): Float64Array {
  return Float64Array.from(weights.get(key, shape).data);
}

/** y = x Wᵀ + b for x [rows, inDim], W [outDim, inDim] taken from rows `first..` of a packed weight. */
function affine(
  x: Matrix,
  rows: number,
  inDim: number,
  w: Float64Array,
  b: Float64Array,
  outDim: number,
  first = 0,
) {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let sum = b[first + o]!;
      for (let i = 0; i < inDim; i++) sum += x[r * inDim + i]! * w[(first + o) * inDim + i]!;
      y[r * outDim + o] = sum;
    }
  }
  return y;
}

function linearRef(prefix: string, x: Matrix, rows: number, inDim: number, outDim: number): Matrix {
  return affine(
    x,
    rows,
    inDim,
    get(`${prefix}.weight`, [outDim, inDim]),
    get(`${prefix}.bias`, [outDim]),
    outDim,
  );
}

function layerNormRef(prefix: string, x: Matrix, rows: number, dim: number): Matrix {
  const [scale, shift] = [get(`${prefix}.weight`, [dim]), get(`${prefix}.bias`, [dim])];
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * dim, (r + 1) * dim);
    const mean = row.reduce((a, b) => a + b, 0) / dim;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / dim;
    for (let i = 0; i < dim; i++)
      y[r * dim + i] = ((row[i]! - mean) / Math.sqrt(variance + 1e-5)) * scale[i]! + shift[i]!;
  }
  return y;
}

/** nn.MultiheadAttention(query, key/value source) with an optional boolean mask (true = blocked). */
function attentionRef(
  prefix: string,
  q: Matrix,
  kv: Matrix,
  tokens: number,
  d: number,
  heads: number,
  blocked?: (i: number, j: number) => boolean,
) {
  const w = get(`${prefix}.in_proj_weight`, [3 * d, d]);
  const b = get(`${prefix}.in_proj_bias`, [3 * d]);
  const [Q, K, V] = [
    affine(q, tokens, d, w, b, d, 0),
    affine(kv, tokens, d, w, b, d, d),
    affine(kv, tokens, d, w, b, d, 2 * d),
  ];
  const headDim = d / heads;
  const context = new Float64Array(tokens * d);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < tokens; i++) {
      const scores = Array.from({ length: tokens }, (_, j) => {
        if (blocked?.(i, j)) return Number.NEGATIVE_INFINITY;
        let dot = 0;
        for (let c = 0; c < headDim; c++) dot += Q[i * d + h * headDim + c]! * K[j * d + h * headDim + c]!;
        return dot / Math.sqrt(headDim);
      });
      const peak = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - peak));
      const total = exps.reduce((a, e) => a + e, 0);
      for (let c = 0; c < headDim; c++) {
        let sum = 0;
        for (let j = 0; j < tokens; j++) sum += (exps[j]! / total) * V[j * d + h * headDim + c]!;
        context[i * d + h * headDim + c] = sum;
      }
    }
  }
  return linearRef(`${prefix}.out_proj`, context, tokens, d, d);
}

const add = (a: Matrix, b: Matrix) => a.map((v, i) => v + b[i]!);

function referenceDenoiser(
  inputs: Record<'x_t' | 'audio_feat' | 'prev_motion' | 'prev_audio', Float32Tensor>,
  steps: number[],
  mode: PositionalEncodingMode,
) {
  const { modelDim: d, motionDim, windowFrames, contextFrames, heads, mlpRatio } = config;
  const tokens = contextFrames + windowFrames;
  const sinusoid = (p: number) =>
    Float64Array.from({ length: d }, (_, c) => {
      const angle = p * 10000 ** (-(c - (c % 2)) / d);
      return c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    });
  const out: number[] = [];
  steps.forEach((step, b) => {
    const slice = (t: Float32Tensor, rows: number, cols: number) =>
      Float64Array.from(t.data.subarray(b * rows * cols, (b + 1) * rows * cols));
    const motion = Float64Array.from([
      ...slice(inputs.prev_motion!, contextFrames, motionDim),
      ...slice(inputs.x_t!, windowFrames, motionDim),
    ]);
    const memory = Float64Array.from([
      ...slice(inputs.prev_audio!, contextFrames, d),
      ...slice(inputs.audio_feat!, windowFrames, d),
    ]);
    const embedding = linearRef(
      'denoising_net.diff_step_map.2',
      linearRef('denoising_net.diff_step_map.0', sinusoid(step), 1, d, d).map(gelu),
      1,
      d,
      d,
    );
    let h = linearRef('denoising_net.feature_proj', motion, tokens, motionDim, d);
    h = h.map(
      (v, i) =>
        v +
        (mode === 'legacy' ? sinusoid(tokens)[i % d]! : sinusoid(Math.floor(i / d))[i % d]!) +
        embedding[i % d]!,
    );
    for (let layer = 0; layer < config.layers; layer++) {
      const p = `denoising_net.transformer.layers.${layer}`;
      h = layerNormRef(
        `${p}.norm1`,
        add(h, attentionRef(`${p}.self_attn`, h, h, tokens, d, heads)),
        tokens,
        d,
      );
      const cross = attentionRef(`${p}.multihead_attn`, h, memory, tokens, d, heads, (i, j) => i !== j);
      h = layerNormRef(`${p}.norm2`, add(h, cross), tokens, d);
      const hidden = linearRef(`${p}.linear1`, h, tokens, d, mlpRatio * d).map(gelu);
      h = layerNormRef(
        `${p}.norm3`,
        add(h, linearRef(`${p}.linear2`, hidden, tokens, mlpRatio * d, d)),
        tokens,
        d,
      );
    }
    const decoded = linearRef('denoising_net.motion_dec.0', h, tokens, d, d / 2).map(gelu);
    out.push(...linearRef('denoising_net.motion_dec.2', decoded, tokens, d / 2, motionDim));
  });
  return Float64Array.from(out);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function denoiserInputs(batch: number, steps: number[]) {
  const { modelDim: d, motionDim, windowFrames, contextFrames } = config;
  return {
    x_t: formulaInput('t', 'x_t', [batch, windowFrames, motionDim]),
    audio_feat: formulaInput('t', 'audio', [batch, windowFrames, d]),
    prev_motion: formulaInput('t', 'prev_motion', [batch, contextFrames, motionDim]),
    prev_audio: formulaInput('t', 'prev_audio', [batch, contextFrames, d]),
    step: createTensor('int64', [batch], BigInt64Array.from(steps, BigInt)),
  };
}

describe('the reference erf', () => {
  it('matches tabulated values on both branches', () => {
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-0.3)).toBeCloseTo(-0.3286267594591274, 14);
    expect(erf(2.49)).toBeCloseTo(0.9995707121322661, 14);
    expect(erf(2.51)).toBeCloseTo(0.9996142945182758, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
  });
});

describe('buildDenoiser', () => {
  it.each(['legacy', 'fixed'] as const)(
    'matches a float64 reference with masked cross-attention (%s PE)',
    async (mode) => {
      const steps = [10, 1];
      const feeds = denoiserInputs(2, steps);
      const { x0 } = await run(buildDenoiser(weights, config, { positionalEncoding: mode }).encode(), feeds);
      expect(x0!.dims).toEqual([2, 9, 5]);
      expect(maxAbsDiff(x0!.data as Float32Array, referenceDenoiser(feeds, steps, mode))).toBeLessThan(2e-5);
    },
  );

  it('gives different outputs for the two positional encodings and the same for batch 1 and 2', async () => {
    const feeds = denoiserInputs(2, [4, 4]);
    const legacy = (await run(buildDenoiser(weights, config).encode(), feeds)).x0!.data as Float32Array;
    const fixed = (await run(buildDenoiser(weights, config, { positionalEncoding: 'fixed' }).encode(), feeds))
      .x0!.data as Float32Array;
    expect(maxAbsDiff(legacy, fixed)).toBeGreaterThan(1e-3);
    const single = await run(buildDenoiser(weights, config).encode(), denoiserInputs(1, [4]));
    expect(maxAbsDiff(single.x0!.data as Float32Array, legacy.subarray(0, 45))).toBeLessThan(1e-6);
  });

  it('refuses a stored alignment mask that is not diagonal, and accepts the diagonal one', () => {
    const tokens = 9;
    const mask = (allowed: (i: number, j: number) => boolean) =>
      createTensor(
        'bool',
        [tokens, tokens],
        Uint8Array.from({ length: tokens * tokens }, (_, k) =>
          allowed(Math.floor(k / tokens), k % tokens) ? 0 : 1,
        ),
      );
    const withMask = (tensor: TensorLike): WeightSource => {
      const stored = createStateDictSource(new Map([['denoising_net.alignment_mask', tensor]]));
      return {
        ...weights,
        synthetic: false,
        shapeOf: stored.shapeOf,
        get: (key, shape) =>
          key.endsWith('alignment_mask') ? stored.get(key, shape) : weights.get(key, shape),
      };
    };
    expect(() => buildDenoiser(withMask(mask((i, j) => i === j)), config)).not.toThrow();
    expect(() => buildDenoiser(withMask(mask((i, j) => Math.abs(i - j) <= 1)), config)).toThrow(
      InvalidInputError,
    );
  });
});

describe('alignedCrossAttention', () => {
  it('equals multi-head attention under the diagonal mask, whatever the query', async () => {
    const d = config.modelDim;
    const g = new GraphBuilder('cross');
    const memory = g.input('memory', 'float32', [1, 9, d]);
    g.output(
      alignedCrossAttention(g, weights, 'denoising_net.transformer.layers.1.multihead_attn', memory, d),
      'y',
      'float32',
      [1, 9, d],
    );
    const memoryValues = formulaInput('t', 'memory', [1, 9, d]);
    const { y } = await run(g.encode(), { memory: memoryValues });
    const m = Float64Array.from(memoryValues.data);
    for (const queryTag of ['q1', 'q2']) {
      const query = Float64Array.from(formulaInput('t', queryTag, [9, d]).data);
      const masked = attentionRef(
        'denoising_net.transformer.layers.1.multihead_attn',
        query,
        m,
        9,
        d,
        config.heads,
        (i, j) => i !== j,
      );
      expect(maxAbsDiff(y!.data as Float32Array, masked)).toBeLessThan(1e-5);
    }
  });
});

describe('buildAudioProjection', () => {
  it('is audio_feature_map: x Wᵀ + b on the last axis, any batch and length', async () => {
    const features = formulaInput('t', 'features', [2, 7, config.audioFeatureDim]);
    const { audio_feat } = await run(buildAudioProjection(weights, config).encode(), { features });
    expect(audio_feat!.dims).toEqual([2, 7, 16]);
    const expected = linearRef('audio_feature_map', Float64Array.from(features.data), 14, 12, 16);
    expect(maxAbsDiff(audio_feat!.data as Float32Array, expected)).toBeLessThan(1e-5);
  });
});
