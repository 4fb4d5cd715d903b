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

/** SPADE: `InstanceNorm(x) · (1 + γ(seg)) + β(seg)`; `segmap` is already at x's resolution. */
function spade(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  segmap: string,
  channels: number,
  shape: SpadeResnetBlockShape,
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
  const actv = g.relu(conv3('mlp_shared.0', segmap, shape.labelChannels, shape.hidden));
  const gamma = conv3('mlp_gamma', actv, shape.hidden, channels);
  const beta = conv3('mlp_beta', actv, shape.hidden, channels);
  const scale = variant.foldModulation ? gamma : g.add(gamma, g.float(1));
  return g.add(g.mul(normalised, scale), beta);
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
  const shortcut =
    inChannels === outChannels
      ? x
      : spectralConv(
          g,
          weights,
          `${prefix}.conv_s`,
          spade(g, weights, `${prefix}.norm_s`, x, segmap, inChannels, shape),
          inChannels,
          outChannels,
          1,
        );
  let dx = g.leakyRelu(spade(g, weights, `${prefix}.norm_0`, x, segmap, inChannels, shape), spadeSlope);
  dx = spectralConv(g, weights, `${prefix}.conv_0`, dx, inChannels, middle, 3);
  dx = g.leakyRelu(spade(g, weights, `${prefix}.norm_1`, dx, segmap, middle, shape), spadeSlope);
  dx = spectralConv(g, weights, `${prefix}.conv_1`, dx, middle, outChannels, 3);
  return g.add(shortcut, dx);
}
