import {
  type AudioEncoderV1,
  type AudioPadMode,
  assertFinite,
  assertTensor,
  createTensor,
  type Float32Tensor,
  InvalidInputError,
  type MotionFrame,
} from '@joyvasa/core';
import { keptFrames, planAudioWindows } from './audio/audio-window-plan.js';
import { assertPcm, encodeAudioWindows } from './audio/encode-audio-windows.js';
import { streamAudioWindows } from './audio/stream-audio-windows.js';
import { createMotionDecoder } from './motion/motion-decoder.js';
import { motionVectorLength } from './motion/motion-frame.js';
import type { MotionTemplate } from './motion/motion-template.js';
import { type SampleWindowsOptions, sampleWindows } from './sample-windows.js';

/** Options of {@link sampleMotion}: the audio (PCM + encoder, or precomputed features) and the sampler's. */
export interface SampleMotionOptions extends Omit<SampleWindowsOptions, 'audioWindows' | 'windowCount'> {
  /** Mono PCM at the audio encoder's `sampleRate` in [-1, 1]; needs `audioEncoder`. */
  readonly pcm?: Float32Array;
  /**
   * Instead of `pcm`: mono PCM at the encoder's `sampleRate` that arrives in chunks (needs `audioEncoder`). Each window is encoded
   * and sampled as soon as its audio is in; the motion equals that of `pcm` holding the whole audio.
   */
  readonly pcmStream?: AsyncIterable<Float32Array>;
  /**
   * With `pcmStream`: frames of a window's audio awaited before it is sampled, 1 … windowFrames (default
   * all: exact). Fewer start each window earlier with the rest of its audio padded, as the clip's last
   * window is: lower latency, approximate motion (chunks say `approximate`). A window sampled before the
   * stream's end is known keeps all its frames, so the last one may run up to a window past the clip.
   */
  readonly lookaheadFrames?: number;
  /** Encodes each 4-second window (HuBERT for the released model). */
  readonly audioEncoder?: AudioEncoderV1;
  /**
   * Instead of `pcm`: encoder features at 25 fps, [windows · windowFrames, featureDim], each window encoded
   * on its own as {@link encodeAudioWindows} does.
   */
  readonly audioFeatures?: Float32Tensor;
  /** With `audioFeatures`: frames to keep (the padded tail is cut). Default: every row. */
  readonly frameCount?: number;
  /** Statistics that de-normalise the motion (`motion_template.pkl`). */
  readonly template: MotionTemplate;
  /** The official EMA pose smoothing (weight 0.01 on scale, t, angles; expression untouched). Default true. */
  readonly smoothing?: boolean;
  /** Padding of the last window with `pcm`: the model's `padMode`. Default `zero` (the released `pad_mode`). */
  readonly padMode?: AudioPadMode;
  /** Motion frames per second: the motion model's (`config.fps`). */
  readonly fps: number;
}

/** The motion of one sampled window, ready to animate. */
export interface MotionChunk {
  /** 0-based window index. */
  readonly index: number;
  /** Windows of the clip; 0 while a stream's end is not known yet. */
  readonly windowCount: number;
  /** Index of `frames[0]` in the whole clip. */
  readonly startFrame: number;
  /** The window's frames without the padded tail, de-normalised (and smoothed unless disabled). */
  readonly frames: readonly MotionFrame[];
  /** The same frames in normalised motion space, [frames.length, 70]. */
  readonly normalised: Float32Tensor;
  /** The PRNG seed used, unless noise was injected. */
  readonly seed?: number;
  /** True when the window was sampled before all of its audio had arrived (`lookaheadFrames`). */
  readonly approximate?: boolean;
}

interface AudioSource {
  readonly windows: AsyncIterable<Float32Tensor> | Iterable<Float32Tensor>;
  windowCount(): number;
  keep(index: number): number;
  approximate?(index: number): boolean;
}

function featureWindows(features: Float32Tensor, windowFrames: number, frameCount?: number): AudioSource {
  const bound = assertTensor('audioFeatures', features, 'float32', ['rows', 'width']);
  const [rows, width] = [bound.rows!, bound.width!];
  assertFinite('audioFeatures', features.data);
  if (rows === 0 || rows % windowFrames !== 0) {
    throw new InvalidInputError(
      'audioFeatures',
      `${rows} rows is not a whole number (≥ 1) of ${windowFrames}-frame windows`,
    );
  }
  const windowCount = rows / windowFrames;
  const frames = frameCount ?? rows;
  if (!Number.isInteger(frames) || frames <= rows - windowFrames || frames > rows) {
    throw new InvalidInputError(
      'options.frameCount',
      `${frames} must be in ${rows - windowFrames + 1}..${rows}`,
    );
  }
  const size = windowFrames * width;
  const windows = Array.from({ length: windowCount }, (_, i) =>
    createTensor('float32', [windowFrames, width], features.data.subarray(i * size, (i + 1) * size)),
  );
  const keep = (i: number) => (i < windowCount - 1 ? windowFrames : frames - i * windowFrames);
  return { windows, windowCount: () => windowCount, keep };
}

function audioSource(options: SampleMotionOptions): AudioSource {
  const { windowFrames } = options.denoiser.config;
  if (options.audioFeatures) return featureWindows(options.audioFeatures, windowFrames, options.frameCount);
  if (!options.audioEncoder) {
    throw new InvalidInputError('audioEncoder', 'pcm needs an audio encoder (or pass audioFeatures instead)');
  }
  // The PCM is at the encoder's rate (the caller decodes or resamples to it): the windows are cut there.
  const windowOptions = {
    windowFrames,
    sampleRate: options.audioEncoder.sampleRate,
    fps: options.fps,
    padMode: options.padMode ?? 'zero',
  } as const;
  if (options.pcmStream) {
    return streamAudioWindows(options.pcmStream, options.audioEncoder, {
      ...windowOptions,
      ...(options.lookaheadFrames !== undefined ? { lookaheadFrames: options.lookaheadFrames } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  assertPcm(options.pcm);
  const plan = planAudioWindows(options.pcm.length, windowOptions);
  return {
    windows: encodeAudioWindows(options.pcm, plan, options.audioEncoder, options.signal),
    windowCount: () => plan.windowCount,
    keep: (index) => keptFrames(plan, index),
  };
}

/**
 * Audio → LivePortrait motion, streamed: yields each window's de-normalised frames as soon as the window
 * is sampled (4 s of motion per window). Exactly the official `gen_motion_sequence`: 1280 + 640 samples of
 * silence, independent 64,000-sample windows, 25 frames of context, the first x_T for every window,
 * the padded tail cut, then de-normalisation (§1.8) and EMA smoothing (§1.9). `break` or `signal` stops it
 * between denoiser calls. Collect everything with {@link collectMotion}.
 */
export async function* sampleMotion(options: SampleMotionOptions): AsyncGenerator<MotionChunk> {
  const decoder = createMotionDecoder(options.template, { smoothing: options.smoothing !== false });
  if (options.denoiser.config.motionDim !== motionVectorLength) {
    throw new InvalidInputError(
      'denoiser.config.motionDim',
      `${options.denoiser.config.motionDim}; de-normalisation needs the ${motionVectorLength}-d LivePortrait motion`,
    );
  }
  const source = audioSource(options);
  let startFrame = 0;
  const windows = sampleWindows({
    ...options,
    audioWindows: source.windows,
    windowCount: source.windowCount(),
  });
  for await (const window of windows) {
    const kept = source.keep(window.index);
    const normalised = window.motion.data.slice(0, kept * motionVectorLength);
    const frames = decoder.decode(normalised);
    yield {
      index: window.index,
      windowCount: source.windowCount(),
      startFrame,
      frames,
      normalised: createTensor('float32', [kept, motionVectorLength], normalised),
      ...(window.seed !== undefined ? { seed: window.seed } : {}),
      ...(source.approximate?.(window.index) ? { approximate: true } : {}),
    };
    startFrame += kept;
  }
}

/** Runs {@link sampleMotion} to the end and returns every frame in order. */
export async function collectMotion(chunks: AsyncIterable<MotionChunk>): Promise<MotionFrame[]> {
  const frames: MotionFrame[] = [];
  for await (const chunk of chunks) frames.push(...chunk.frames);
  return frames;
}
