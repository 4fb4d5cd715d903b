import { concatFirstAxis } from '@joyvasa/core';
import { type GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import { spectralNormWeight } from '../../weights/reparametrizations.js';
import { offsetTensor, rewrittenSource } from '../../weights/transformed-source.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { conv, convWithWeight, instanceNorm } from '../layers.js';
import { convEntries, type StateDictEntry, spectralConvEntries } from './state-dict-entries.js';

/** Widths of one SPADEResnetBlock. */
export interface SpadeResnetBlockShape {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Channels of the segmentation map (the generator's input features). */
  readonly labelChannels: number;
  /** Hidden width of each SPADE's shared conv. */
  readonly hidden: number;
  /** Height and width of the block's input, in pixels. */
  readonly side: number;
  /** The form of its SPADEs; the official one when absent. */
  readonly variant?: SpadeVariant;
}

/**
 * Equivalent forms of every SPADE in G, for kernels chosen by timing (all off by default: the official
 * graph, `InstanceNorm(x) · (γ + 1) + β` with the norm computed in float32 between Casts in a float16 graph).
 */
export interface SpadeVariant {
  /**
   * `'instance'`: InstanceNormalization (default). `'layer'`: LayerNormalization over each channel's pixels
   * ([N, C, H·W]), the same statistics through the provider's fused layer-norm kernel.
   */
  readonly normalization?: 'instance' | 'layer';
  /** Fold the `+ 1` of `γ + 1` into γ's conv bias: the modulation is one Mul and one Add. Default false. */
  readonly foldModulation?: boolean;
  /**
   * In a float16 graph, normalise in float16 (no Cast up and down around it; the providers' kernels
   * accumulate the statistics in float32). Default false.
   */
  readonly float16Normalization?: boolean;
  /**
   * Convolutions that read the same input as one convolution with their output channels side by side, then
   * a Split: each SPADE's γ and β convs, and the shared convs of a block's SPADEs (they all read the
   * segmentation map). Each output channel is computed as before; fewer, wider GEMMs. Default false.
   */
  readonly mergeConvs?: boolean;
}

/** SPADE activations use LeakyReLU 0.2. */
const spadeSlope = 0.2;

function spadeEntries(
  prefix: string,
  channels: number,
  shape: Omit<SpadeResnetBlockShape, 'side'>,
): StateDictEntry[] {
  return [
    ...convEntries(`${prefix}.mlp_shared.0`, shape.hidden, shape.labelChannels, [3, 3]),
    ...convEntries(`${prefix}.mlp_gamma`, channels, shape.hidden, [3, 3]),
    ...convEntries(`${prefix}.mlp_beta`, channels, shape.hidden, [3, 3]),
  ];
}

/** A SPADEResnetBlock's state-dict entries under `prefix` (e.g. `G_middle_0`). */
export function spadeResnetBlockStateDict(
  prefix: string,
  shape: Omit<SpadeResnetBlockShape, 'side'>,
): StateDictEntry[] {
  const { inChannels, outChannels } = shape;
  const middle = Math.min(inChannels, outChannels);
  const learned = inChannels !== outChannels;
  return [
    ...spectralConvEntries(`${prefix}.conv_0`, middle, inChannels, [3, 3]),
    ...spectralConvEntries(`${prefix}.conv_1`, outChannels, middle, [3, 3]),
    ...(learned ? spectralConvEntries(`${prefix}.conv_s`, outChannels, inChannels, [1, 1], false) : []),
    ...spadeEntries(`${prefix}.norm_0`, inChannels, shape),
    ...spadeEntries(`${prefix}.norm_1`, middle, shape),
    ...(learned ? spadeEntries(`${prefix}.norm_s`, inChannels, shape) : []),
  ];
}

/** One 3×3 conv (padding 1) of {@link convsAsOne}: its weights' prefix and its output channels. */
interface MergedPart {
  readonly prefix: string;
  readonly outChannels: number;
}

/**
 * 3×3 convs (padding 1, with bias) that read the same `x`, as one conv whose output channels are theirs in
 * order, then split back (`activation` applied once to the whole before the split).
 */
function convsAsOne(
  g: GraphBuilder,
  weights: WeightSource,
  x: string,
  inChannels: number,
  parts: readonly MergedPart[],
  activation?: (merged: string) => string,
): string[] {
  const weight = concatFirstAxis(
    parts.map((part) => weights.get(`${part.prefix}.weight`, [part.outChannels, inChannels, 3, 3])),
  );
  const bias = concatFirstAxis(parts.map((part) => weights.get(`${part.prefix}.bias`, [part.outChannels])));
  const name = `${parts[0]!.prefix}.merged`;
  const merged = g.op(
    'Conv',
    [x, g.initializer(weight, `${name}.weight`), g.initializer(bias, `${name}.bias`)],
    { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], group: 1 },
  );
  const out = activation ? activation(merged) : merged;
  return g.opN('Split', [out, g.int64(parts.map((part) => part.outChannels))], parts.length, { axis: 1 });
}

/** The parameter-free instance norm of x [N, C, H, W] in the form `variant` asks for. */
function normalise(
  g: GraphBuilder,
  x: string,
  channels: number,
  side: number,
  variant: SpadeVariant,
): string {
  let normalised: string;
  if (variant.normalization === 'layer') {
    const pixels = side * side;
    const rows = g.reshape(x, [KEEP_BATCH, channels, pixels]);
    const scale = g.float(new Array(pixels).fill(1), [pixels]);
    const bias = g.float(new Array(pixels).fill(0), [pixels]);
    const layer = g.op('LayerNormalization', [rows, scale, bias], { axis: -1, epsilon: { float: 1e-5 } });
    normalised = g.reshape(layer, [KEEP_BATCH, channels, side, side]);
    if (variant.float16Normalization) g.keepPrecision(layer, 'float16');
  } else {
    normalised = instanceNorm(g, x, channels);
    if (variant.float16Normalization) g.keepPrecision(normalised, 'float16');
  }
  return normalised;
}

/**
 * SPADE: `InstanceNorm(x) · (1 + γ(seg)) + β(seg)`; `segmap` is already at x's resolution. `shared`: the
 * SPADE's `relu(mlp_shared(segmap))` when the block computed it (merged convs).
 */
function spade(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  segmap: string,
  channels: number,
  shape: SpadeResnetBlockShape,
  shared?: string,
): string {
  const variant = shape.variant ?? {};
  const gammaKey = `${prefix}.mlp_gamma.bias`;
  // With the fold, γ's conv adds 1 to its bias: the conv computes γ + 1 itself.
  const source = variant.foldModulation
    ? rewrittenSource(
        weights,
        new Map([[gammaKey, (inner, dims) => offsetTensor(inner.get(gammaKey, dims), 1)]]),
      )
    : weights;
  const conv3 = (name: string, input: string, inChannels: number, outChannels: number) =>
    conv(g, source, `${prefix}.${name}`, input, { inChannels, outChannels, kernel: [3, 3], padding: 1 });
  const normalised = normalise(g, x, channels, shape.side, variant);
  const actv = shared ?? g.relu(conv3('mlp_shared.0', segmap, shape.labelChannels, shape.hidden));
  const [gamma, beta] = variant.mergeConvs
    ? convsAsOne(g, source, actv, shape.hidden, [
        { prefix: `${prefix}.mlp_gamma`, outChannels: channels },
        { prefix: `${prefix}.mlp_beta`, outChannels: channels },
      ])
    : [conv3('mlp_gamma', actv, shape.hidden, channels), conv3('mlp_beta', actv, shape.hidden, channels)];
  const scale = variant.foldModulation ? gamma! : g.add(gamma!, g.float(1));
  return g.add(g.mul(normalised, scale), beta!);
}

/** A spectrally normalised conv with `weight_orig / σ` baked into its weight. */
function spectralConv(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  inChannels: number,
  outChannels: number,
  kernel: number,
): string {
  const weight = spectralNormWeight(
    weights.get(`${prefix}.weight_orig`, [outChannels, inChannels, kernel, kernel]),
    weights.get(`${prefix}.weight_u`, [outChannels]),
    weights.get(`${prefix}.weight_v`, [inChannels * kernel * kernel]),
  );
  const bias = kernel === 3 ? weights : undefined;
  const options = { inChannels, outChannels, kernel: [kernel, kernel], padding: (kernel - 1) / 2 };
  return convWithWeight(g, x, weight, options, prefix, bias);
}

/**
 * With merged convs, `relu(mlp_shared(segmap))` of each of the block's SPADEs from one conv (they all read
 * the segmentation map); undefined otherwise.
 */
function sharedActivations(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  segmap: string,
  shape: SpadeResnetBlockShape,
  learned: boolean,
): Partial<Record<'norm_0' | 'norm_1' | 'norm_s', string>> | undefined {
  if (!shape.variant?.mergeConvs) return undefined;
  const norms = learned ? (['norm_0', 'norm_1', 'norm_s'] as const) : (['norm_0', 'norm_1'] as const);
  const parts = norms.map((norm) => ({
    prefix: `${prefix}.${norm}.mlp_shared.0`,
    outChannels: shape.hidden,
  }));
  const outputs = convsAsOne(g, weights, segmap, shape.labelChannels, parts, (merged) => g.relu(merged));
  return Object.fromEntries(norms.map((norm, i) => [norm, outputs[i]!]));
}

/**
 * SPADEResnetBlock(fin, fout): `shortcut + conv_1(lrelu(SPADE_1(conv_0(lrelu(SPADE_0(x))))))` with a
 * learned shortcut `conv_s(SPADE_s(x))` (1×1, no bias) when fin ≠ fout; middle width min(fin, fout).
 */
export function spadeResnetBlock(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  segmap: string,
  shape: SpadeResnetBlockShape,
): string {
  const { inChannels, outChannels } = shape;
  const middle = Math.min(inChannels, outChannels);
  const learned = inChannels !== outChannels;
  const shared = sharedActivations(g, weights, prefix, segmap, shape, learned);
  const shortcut = learned
    ? spectralConv(
        g,
        weights,
        `${prefix}.conv_s`,
        spade(g, weights, `${prefix}.norm_s`, x, segmap, inChannels, shape, shared?.norm_s),
        inChannels,
        outChannels,
        1,
      )
    : x;
  const spade0 = spade(g, weights, `${prefix}.norm_0`, x, segmap, inChannels, shape, shared?.norm_0);
  let dx = g.leakyRelu(spade0, spadeSlope);
  dx = spectralConv(g, weights, `${prefix}.conv_0`, dx, inChannels, middle, 3);
  const spade1 = spade(g, weights, `${prefix}.norm_1`, dx, segmap, middle, shape, shared?.norm_1);
  dx = g.leakyRelu(spade1, spadeSlope);
  dx = spectralConv(g, weights, `${prefix}.conv_1`, dx, middle, outChannels, 3);
  return g.add(shortcut, dx);
}
