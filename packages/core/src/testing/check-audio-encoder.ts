import type { AudioEncoderV1 } from '../audio-encoder.js';
import { InvalidInputError, isAbortError } from '../errors.js';
import { isTensorLike } from '../tensor.js';

/** One failed conformance check. */
export interface ConformanceFailure {
  readonly check: string;
  readonly message: string;
}

/** What {@link checkAudioEncoder} found. */
export interface ConformanceReport {
  readonly passed: readonly string[];
  readonly failures: readonly ConformanceFailure[];
}

/** Options of {@link checkAudioEncoder}. */
export interface CheckAudioEncoderOptions {
  /** Seconds of audio per test window. Default 4 (the JoyVASA window). */
  readonly seconds?: number;
  /** The feature width the motion model needs; checked when given. */
  readonly expectedFeatureDim?: number;
}

function testSignal(samples: number, sampleRate: number): Float32Array {
  const pcm = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    pcm[i] = 0.3 * Math.sin(2 * Math.PI * 220 * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
  }
  return pcm;
}

/**
 * Runs the `AudioEncoderV1` contract against an encoder: declared fields, output shape and type, finite
 * and deterministic output, rejection of NaN input with `InvalidInputError`, and abort support.
 * Framework-agnostic: call it from any test runner and assert that `failures` is empty.
 */
export async function checkAudioEncoder(
  encoder: AudioEncoderV1,
  options: CheckAudioEncoderOptions = {},
): Promise<ConformanceReport> {
  const passed: string[] = [];
  const failures: ConformanceFailure[] = [];
  const check = async (name: string, body: () => Promise<void> | void) => {
    try {
      await body();
      passed.push(name);
    } catch (error) {
      failures.push({ check: name, message: (error as Error).message });
    }
  };
  const fail = (message: string): never => {
    throw new Error(message);
  };

  await check('declares its fields', () => {
    if (encoder.specificationVersion !== 'v1')
      fail(`specificationVersion is ${encoder.specificationVersion}`);
    if (typeof encoder.id !== 'string' || !encoder.id) fail('id must be a non-empty string');
    for (const field of ['sampleRate', 'featuresPerSecond', 'featureDim'] as const) {
      if (!Number.isInteger(encoder[field]) || encoder[field] <= 0)
        fail(`${field} must be a positive integer`);
    }
    if (encoder.sampleRate % encoder.featuresPerSecond !== 0) {
      fail('sampleRate must be a whole multiple of featuresPerSecond');
    }
    if (options.expectedFeatureDim !== undefined && encoder.featureDim !== options.expectedFeatureDim) {
      fail(`featureDim is ${encoder.featureDim}, the motion model needs ${options.expectedFeatureDim}`);
    }
  });
  if (failures.length > 0) return { passed, failures };

  const frames = Math.round((options.seconds ?? 4) * encoder.featuresPerSecond);
  const samples = (frames * encoder.sampleRate) / encoder.featuresPerSecond;
  const pcm = testSignal(samples, encoder.sampleRate);
  let first: Float32Array | undefined;

  await check('returns [frames, featureDim] float32 features', async () => {
    const features = await encoder.encode(pcm.slice());
    if (!isTensorLike(features) || features.type !== 'float32') fail('the result is not a float32 tensor');
    const expected = `[${frames}, ${encoder.featureDim}]`;
    if (
      features.dims.length !== 2 ||
      features.dims[0] !== frames ||
      features.dims[1] !== encoder.featureDim
    ) {
      fail(`dims are [${features.dims.join(', ')}], expected ${expected}`);
    }
    if (features.data.length !== frames * encoder.featureDim) fail('data length does not match dims');
    first = features.data;
  });
  await check('gives finite values', () => {
    if (!first) fail('no output to check');
    const bad = first!.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) fail(`element ${bad} is ${first![bad]}`);
  });
  await check('is deterministic', async () => {
    const again = await encoder.encode(pcm.slice());
    if (!first) fail('no output to compare');
    let worst = 0;
    for (let i = 0; i < first!.length; i++) worst = Math.max(worst, Math.abs(first![i]! - again.data[i]!));
    if (worst > 1e-5) fail(`two runs on the same input differ by ${worst}`);
  });
  await check('rejects NaN input with InvalidInputError', async () => {
    const corrupt = pcm.slice();
    corrupt[samples >> 1] = Number.NaN;
    try {
      await encoder.encode(corrupt);
    } catch (error) {
      if (InvalidInputError.isInstance(error)) return;
      fail(`threw ${(error as Error).name}: ${(error as Error).message}`);
    }
    fail('accepted NaN samples');
  });
  await check('stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    try {
      await encoder.encode(pcm.slice(), { signal: controller.signal });
    } catch (error) {
      if (isAbortError(error)) return;
      fail(`threw ${(error as Error).name} instead of AbortError`);
    }
    fail('ignored an aborted signal');
  });
  return { passed, failures };
}
