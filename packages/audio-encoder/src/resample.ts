import { InvalidInputError } from '@joyvasa/core';

/** Tuning of {@link resample}'s anti-aliasing filter. The defaults suit speech and music alike. */
export interface ResampleOptions {
  /**
   * End of the flat passband as a fraction of the lower rate's Nyquist frequency, in (0, 1).
   * Default 0.91, soxr's own default: at 16 kHz output everything up to 7.28 kHz passes unchanged.
   */
  readonly passbandEnd?: number;
  /** Attenuation from the Nyquist frequency upwards, in dB, 40 to 180. Default 120 (about 20 bits). */
  readonly stopbandAttenuationDb?: number;
}

/** Rate pairs whose reduced ratio needs more phases than this use an interpolated coefficient table. */
const maxExactPhases = 2048;
/** Table resolution of the interpolated path: about -130 dB of interpolation error. */
const interpolatedPhases = 2048;

/**
 * Resamples mono PCM from `fromRate` to `toRate` (Hz) with a linear-phase windowed-sinc filter
 * (Kaiser window), evaluated as a polyphase filter bank.
 *
 * Any pair of rates works, including non-integer ratios (44100 → 16000) and upsampling (8000 → 16000).
 * Output sample `k` is the band-limited signal at input time `k * fromRate / toRate`, so there is no delay;
 * samples outside the input count as zeros. The output has `ceil(pcm.length * toRate / fromRate)`
 * samples, as `librosa.resample` produces. Equal rates return a copy.
 */
export function resample(
  pcm: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Float32Array {
  const filter = createPolyphaseFilter(fromRate, toRate, options);
  if (!filter) return pcm.slice();
  const out = new Float32Array(filter.outputLength(pcm.length));
  for (let k = 0; k < out.length; k++) out[k] = filter.sample(pcm, 0, k);
  return out;
}

/**
 * The resampling filter of {@link resample}, evaluated one output sample at a time, so a whole buffer and a
 * stream of chunks ({@link createStreamResampler}) compute every sample the same way.
 */
export interface PolyphaseFilter {
  /** Output samples for `inputLength` input samples: `ceil(inputLength · toRate / fromRate)`. */
  outputLength(inputLength: number): number;
  /** One past the last input sample that output `k` reads. */
  inputEnd(k: number): number;
  /** First input sample that output `k` reads (may be negative: zeros). */
  inputStart(k: number): number;
  /**
   * Output sample `k` from `buffer`, which holds input samples from index `bufferStart` on; samples outside
   * it count as zeros, which is right at the edges of the whole input.
   */
  sample(buffer: Float32Array, bufferStart: number, k: number): number;
}

/** Checks the rates and options and designs the filter; undefined for equal rates (nothing to do). */
export function createPolyphaseFilter(
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): PolyphaseFilter | undefined {
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  if (fromRate === toRate) return undefined;
  const passbandEnd = options.passbandEnd ?? 0.91;
  const attenuation = options.stopbandAttenuationDb ?? 120;
  if (!(passbandEnd > 0 && passbandEnd < 1)) {
    throw new InvalidInputError('options.passbandEnd', `must lie in (0, 1), got ${passbandEnd}`);
  }
  if (!(attenuation >= 40 && attenuation <= 180)) {
    throw new InvalidInputError('options.stopbandAttenuationDb', `must lie in [40, 180], got ${attenuation}`);
  }
  const ratio = reduceRatio(fromRate, toRate);
  const kernel = designKernel(fromRate, toRate, passbandEnd, attenuation);
  const { halfTaps } = kernel;
  const taps = 2 * halfTaps + 1;
  const exact = ratio !== undefined && ratio.up <= maxExactPhases;
  const table = exact ? buildPhaseTable(kernel, ratio.up) : buildPhaseTable(kernel, interpolatedPhases, true);
  const step = fromRate / toRate;
  // Integer arithmetic for exact ratios: k · down stays far below 2^53 for days of audio.
  const centre = exact
    ? (k: number) => Math.floor((k * ratio.down) / ratio.up)
    : (k: number) => Math.floor(k * step);
  return {
    outputLength: (n) =>
      ratio ? Math.ceil((n * ratio.up) / ratio.down) : Math.ceil((n * toRate) / fromRate),
    inputStart: (k) => centre(k) - halfTaps,
    inputEnd: (k) => centre(k) + halfTaps + 1,
    sample(buffer, bufferStart, k) {
      const start = centre(k) - halfTaps - bufferStart;
      if (exact) return dot(buffer, start, table, ((k * ratio.down) % ratio.up) * taps, taps);
      const t = k * step;
      const position = (t - Math.floor(t)) * interpolatedPhases;
      const phase = Math.min(Math.floor(position), interpolatedPhases - 1);
      const weight = position - phase;
      const a = dot(buffer, start, table, phase * taps, taps);
      const b = dot(buffer, start, table, (phase + 1) * taps, taps);
      return a + (b - a) * weight;
    },
  };
}

function checkRate(name: string, rate: number): void {
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new InvalidInputError(name, `sample rate must be a positive number of Hz, got ${rate}`);
  }
}

/** `toRate / fromRate` as `up / down` in lowest terms, or undefined when a rate is not an integer. */
function reduceRatio(fromRate: number, toRate: number): { up: number; down: number } | undefined {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate)) return undefined;
  let a = fromRate;
  let b = toRate;
  while (b !== 0) [a, b] = [b, a % b];
  return { up: toRate / a, down: fromRate / a };
}

/** The continuous prototype filter, in units of input samples. */
interface Kernel {
  /** Cutoff in cycles per input sample (the -6 dB point). */
  readonly cutoff: number;
  readonly beta: number;
  /** Half the window length, in input samples. */
  readonly halfWidth: number;
  /** Taps on each side of the centre tap: each phase has `2 * halfTaps + 1` taps. */
  readonly halfTaps: number;
}

function designKernel(fromRate: number, toRate: number, passbandEnd: number, attenuation: number): Kernel {
  const nyquist = Math.min(fromRate, toRate) / 2;
  // The transition band sits just below the lower Nyquist so nothing at or above it folds back.
  const cutoff = (nyquist * (1 + passbandEnd)) / 2 / fromRate;
  const transition = (2 * Math.PI * nyquist * (1 - passbandEnd)) / fromRate;
  const beta =
    attenuation > 50
      ? 0.1102 * (attenuation - 8.7)
      : 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21);
  // Kaiser's estimate of the filter order for this attenuation and transition width.
  const order = (attenuation - 7.95) / (2.285 * transition);
  const halfWidth = Math.max(order / 2, 1);
  return { cutoff, beta, halfWidth, halfTaps: Math.ceil(halfWidth) };
}

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kernelAt(kernel: Kernel, t: number, i0Beta: number): number {
  const r = t / kernel.halfWidth;
  if (r <= -1 || r >= 1) return 0;
  const window = besselI0(kernel.beta * Math.sqrt(1 - r * r)) / i0Beta;
  const x = 2 * kernel.cutoff * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  return 2 * kernel.cutoff * sinc * window;
}

/**
 * Coefficients for fractional offsets `p / phases`, p = 0 … phases-1 (plus `phases` itself when
 * `closed`, so the interpolated path can blend the last phase with the next sample's first).
 * Tap `j` of a phase multiplies input sample `floor(t) - halfTaps + j`.
 */
function buildPhaseTable(kernel: Kernel, phases: number, closed = false): Float64Array {
  const taps = 2 * kernel.halfTaps + 1;
  const rows = closed ? phases + 1 : phases;
  const table = new Float64Array(rows * taps);
  const i0Beta = besselI0(kernel.beta);
  for (let p = 0; p < rows; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const value = kernelAt(kernel, frac + kernel.halfTaps - j, i0Beta);
      table[p * taps + j] = value;
      sum += value;
    }
    // Unit gain at DC on every phase, so a constant signal stays exactly constant.
    for (let j = 0; j < taps; j++) table[p * taps + j]! /= sum;
  }
  return table;
}

function dot(pcm: Float32Array, start: number, table: Float64Array, row: number, taps: number): number {
  let acc = 0;
  if (start >= 0 && start + taps <= pcm.length) {
    for (let j = 0; j < taps; j++) acc += pcm[start + j]! * table[row + j]!;
    return acc;
  }
  const from = Math.max(0, -start);
  const to = Math.min(taps, pcm.length - start);
  for (let j = from; j < to; j++) acc += pcm[start + j]! * table[row + j]!;
  return acc;
}
