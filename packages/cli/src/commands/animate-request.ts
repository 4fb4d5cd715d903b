import { type AnimationMode, type DeviceRequest, InvalidInputError, isDeviceRequest } from '@joyvasa/core';
import { type AnimateOptions, resolveAnimateOptions } from '@joyvasa/pipeline';
import { type OptionValues, stringOption } from '../cli-args.js';
import { type ModelsChoice, parseModelsOption } from './animate-models.js';

/** Everything one animation needs, checked. */
export interface AnimateRequest {
  readonly image: string;
  readonly audio: string;
  readonly out?: string;
  readonly pngDir?: string;
  /** `--force` / `-y`: replace an existing video and existing PNG frames. */
  readonly force?: boolean;
  readonly models: ModelsChoice;
  readonly mode: AnimationMode;
  readonly device: DeviceRequest;
  readonly options: AnimateOptions;
}

/** The flag behind each option the pipeline checks, so range errors name what the user typed. */
const flagOf: Record<string, string> = {
  'options.cfgScale': '--cfg',
  'options.seed': '--seed',
  'options.sampler': '--ddim',
  'options.faceBox': '--face-box',
  'options.drivingMultiplier': '--multiplier',
  'options.cropScale': '--crop-scale',
  'options.cropOffsetY': '--crop-vy',
  'options.detectionThreshold': '--det-thresh',
  'options.sourceMaxDim': '--max-dim',
  'options.sourceDivision': '--division',
};

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const whole = /^\d+$/;

/** A usage error's message, thrown inside this module and returned by {@link parseAnimateRequest}. */
class UsageProblem extends Error {}

function number(values: OptionValues, name: string, pattern: RegExp, what: string): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (!pattern.test(text.trim())) throw new UsageProblem(`--${name} must be ${what}, not '${text}'`);
  return Number(text);
}

function oneOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T | undefined {
  const text = stringOption(values, name);
  if (text !== undefined && !allowed.includes(text as T)) {
    throw new UsageProblem(`--${name} is ${allowed.join(' or ')}, not '${text}'`);
  }
  return text as T | undefined;
}

function faceBox(values: OptionValues): AnimateOptions['faceBox'] {
  const text = stringOption(values, 'face-box');
  if (text === undefined) return undefined;
  const parts = text.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) {
    throw new UsageProblem(`--face-box is x1,y1,x2,y2 in pixels (four numbers), not '${text}'`);
  }
  return parts as unknown as AnimateOptions['faceBox'];
}

/** The crop, detector, size-limit and driving flags; absent flags keep the pipeline's defaults. */
function sourceOptions(values: OptionValues): AnimateOptions {
  const entries: [keyof AnimateOptions, unknown][] = [
    ['drivingOption', oneOf(values, 'driving', ['expression-friendly', 'pose-friendly'] as const)],
    ['drivingMultiplier', number(values, 'multiplier', decimal, 'a number')],
    ['cropScale', number(values, 'crop-scale', decimal, 'a number')],
    ['cropOffsetY', number(values, 'crop-vy', decimal, 'a number')],
    ['cropRotation', values['no-crop-rotation'] ? false : undefined],
    ['detectionThreshold', number(values, 'det-thresh', decimal, 'a number')],
    ['sourceMaxDim', number(values, 'max-dim', whole, 'a whole number of pixels')],
    ['sourceDivision', number(values, 'division', whole, 'a whole number')],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as AnimateOptions;
}

function animateOptions(values: OptionValues): AnimateOptions {
  const cfgScale = number(values, 'cfg', decimal, 'a number');
  const seed = number(values, 'seed', whole, 'a whole number ≥ 0');
  const ddim = number(values, 'ddim', whole, 'a whole number of steps');
  const positionalEncoding = oneOf(values, 'pe', ['legacy', 'fixed'] as const);
  const box = faceBox(values);
  const options: AnimateOptions = {
    ...(cfgScale !== undefined ? { cfgScale } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(ddim !== undefined ? { sampler: { ddim } } : {}),
    ...(positionalEncoding ? { positionalEncoding } : {}),
    ...(box ? { faceBox: box } : {}),
    ...(values['no-crop'] ? { crop: false } : {}),
    ...(values['no-paste-back'] ? { pasteBack: false } : {}),
    ...(values['no-stitching'] ? { stitching: false } : {}),
    ...sourceOptions(values),
  };
  try {
    resolveAnimateOptions(options);
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    const flag = flagOf[error.input] ?? error.input;
    throw new UsageProblem(`${flag}: ${error.message.replace(/^Invalid [^:]+: /, '')}`);
  }
  return options;
}

/**
 * Checks `joyvasa animate`'s options and builds the request. Returns a usage error's message instead when
 * something is missing, malformed or out of range (files are checked by the command).
 */
export function parseAnimateRequest(
  values: OptionValues,
  positionals: readonly string[],
): AnimateRequest | string {
  try {
    if (positionals.length > 0) throw new UsageProblem(`unexpected argument '${positionals[0]}'`);
    const [image, audio] = [stringOption(values, 'image'), stringOption(values, 'audio')];
    const [out, pngDir] = [stringOption(values, 'out'), stringOption(values, 'png-dir')];
    if (!image || !audio) throw new UsageProblem('animate needs --image <picture> and --audio <speech>');
    if (!out && !pngDir)
      throw new UsageProblem('say where to write: --out <video.mp4> and/or --png-dir <folder>');
    if (out && !/\.(mp4|mov|m4v|mkv)$/i.test(out)) {
      throw new UsageProblem(`--out '${out}' must end in .mp4, .mov, .m4v or .mkv`);
    }
    const device = stringOption(values, 'device') ?? 'auto';
    if (!isDeviceRequest(device))
      throw new UsageProblem(`--device is cpu, cuda, webgpu or auto, not '${device}'`);
    return {
      image,
      audio,
      ...(out ? { out } : {}),
      ...(pngDir ? { pngDir } : {}),
      ...(values.force === true ? { force: true } : {}),
      models: parseModelsOption(stringOption(values, 'models')),
      mode: oneOf(values, 'mode', ['human', 'animal'] as const) ?? 'human',
      device,
      options: animateOptions(values),
    };
  } catch (error) {
    if (error instanceof UsageProblem) return error.message;
    throw error;
  }
}
