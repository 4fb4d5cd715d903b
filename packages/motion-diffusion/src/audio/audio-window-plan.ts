import { type AudioPadMode, audioPadModes, InvalidInputError } from '@joyvasa/core';

/**
 * Options of {@link planAudioWindows}: the rates come from the loaded models (the encoder's `sampleRate`,
 * the motion model's `fps`); the other defaults are the released model's values.
 */
export interface AudioWindowOptions {
  /** PCM sample rate in Hz: the audio encoder's. */
  readonly sampleRate: number;
  /** Motion frames per second: the motion model's (`config.fps`). */
  readonly fps: number;
  /** Frames per window (`n_motions`). Default 100. */
  readonly windowFrames?: number;
  /** Zero samples put before the audio. Default two frames' worth (1280 at 16 kHz / 25 fps). */
  readonly leadingSilence?: number;
  /** Zero samples put after the audio. Default one frame's worth (640 at 16 kHz / 25 fps). */
  readonly trailingSilence?: number;
  /** Default `zero`. */
  readonly padMode?: AudioPadMode;
}

/**
 * The official window bookkeeping of `gen_motion_sequence` (spec §1.5–§1.6) for N input samples.
 * With the defaults: N' = N + 1920, windows of 64,000 samples encoded independently, the tail of the last
 * window padded and its frames cut, giving ⌊(N + 1920)/640⌋ frames, except where the official float
 * expression for `clip_len` rounds down (N' a multiple of 640): for N = 126,720 it makes one window fewer
 * and 200 frames instead of 201. Those cases are reproduced, not corrected.
 */
export interface AudioWindowPlan {
  readonly sampleRate: number;
  readonly fps: number;
  readonly windowFrames: number;
  readonly padMode: AudioPadMode;
  readonly leadingSilence: number;
  readonly trailingSilence: number;
  /** N, the caller's samples. */
  readonly inputSamples: number;
  /** N' = N + leading + trailing silence. */
  readonly paddedSamples: number;
  /** Samples per motion frame (640). */
  readonly samplesPerFrame: number;
  /** Samples per window (64,000). */
  readonly windowSamples: number;
  /** The official `clip_len = int(N' / sampleRate · fps)` in float64 (⌊N'/640⌋, or one less when N'/640 is whole). */
  readonly clipFrames: number;
  /** Frames of motion produced: windowCount · windowFrames − padFrames. */
  readonly frameCount: number;
  /** Windows sampled (`n_subdivision`). */
  readonly windowCount: number;
  /** Samples appended to fill the last window (`n_padding_audio_samples`); ≤ 0 means none. */
  readonly padSamples: number;
  /** Frames cut from the last window (`n_padding_frames`), ≥ 0. */
  readonly padFrames: number;
}

function wholeNumber(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new InvalidInputError(name, `${value} is not a whole number >= ${minimum}`);
  }
  return value;
}

/** Plans the windows for `inputSamples` samples of audio. Throws {@link InvalidInputError} for no audio. */
export function planAudioWindows(inputSamples: number, options: AudioWindowOptions): AudioWindowPlan {
  if (inputSamples === 0) {
    throw new InvalidInputError('audio', 'it has no samples; pass at least one sample of mono PCM');
  }
  wholeNumber('audio length', inputSamples, 1);
  const sampleRate = wholeNumber('options.sampleRate', options.sampleRate, 1);
  const fps = wholeNumber('options.fps', options.fps, 1);
  const windowFrames = wholeNumber('options.windowFrames', options.windowFrames ?? 100, 1);
  const padMode = options.padMode ?? 'zero';
  if (!audioPadModes.includes(padMode)) {
    throw new InvalidInputError('options.padMode', `'${padMode}' is not 'zero' or 'replicate'`);
  }
  const samplesPerFrame = sampleRate / fps;
  if (!Number.isInteger(samplesPerFrame)) {
    throw new InvalidInputError(
      'options.fps',
      `${sampleRate} Hz / ${fps} fps is not a whole number of samples`,
    );
  }
  // The official 1280 and 640 samples at 16 kHz / 25 fps: two frames before the audio, one after.
  const leadingSilence = wholeNumber(
    'options.leadingSilence',
    options.leadingSilence ?? 2 * samplesPerFrame,
    0,
  );
  const trailingSilence = wholeNumber(
    'options.trailingSilence',
    options.trailingSilence ?? samplesPerFrame,
    0,
  );
  const paddedSamples = inputSamples + leadingSilence + trailingSilence;
  // The official float expression `int(len / 16000 * fps)`, evaluated the same way for the same result.
  const clipFrames = Math.floor((paddedSamples / sampleRate) * fps);
  const windowCount = clipFrames <= windowFrames ? 1 : Math.ceil(clipFrames / windowFrames);
  const windowSamples = Math.round(samplesPerFrame * windowFrames);
  const padSamples = windowSamples * windowCount - paddedSamples;
  const padFrames = Math.max(0, Math.ceil(padSamples / samplesPerFrame));
  const frameCount = windowCount * windowFrames - padFrames;
  return {
    sampleRate,
    fps,
    windowFrames,
    padMode,
    leadingSilence,
    trailingSilence,
    inputSamples,
    paddedSamples,
    samplesPerFrame,
    windowSamples,
    clipFrames,
    frameCount,
    windowCount,
    padSamples,
    padFrames,
  };
}

/** Frames window `index` contributes to the output: all, except the padded tail of the last window. */
export function keptFrames(plan: AudioWindowPlan, index: number): number {
  return index === plan.windowCount - 1 ? plan.windowFrames - plan.padFrames : plan.windowFrames;
}

/**
 * The samples of window `index`: silence + audio + silence + padding, cut to `[index·64000, (index+1)·64000)`.
 * Only that window is materialised, so long audio is never copied whole. `pcm` may be the tail of the
 * input from sample `pcmStart` on (a stream keeps only what its next windows read); it must reach the
 * input's end, and hold every sample of the window that lies in the input.
 */
export function windowSamples(
  pcm: Float32Array,
  plan: AudioWindowPlan,
  index: number,
  pcmStart = 0,
): Float32Array {
  if (pcmStart + pcm.length !== plan.inputSamples) {
    throw new InvalidInputError(
      'audio',
      `${pcmStart + pcm.length} samples, but the plan was made for ${plan.inputSamples}`,
    );
  }
  const out = new Float32Array(plan.windowSamples);
  const start = index * plan.windowSamples;
  // In padded coordinates the held audio spans [leading + pcmStart, leading + N); padding follows N'.
  const audioStart = plan.leadingSilence + pcmStart;
  const from = Math.max(start, plan.leadingSilence);
  const to = Math.min(start + plan.windowSamples, audioStart + pcm.length);
  if (to > from && from < audioStart) {
    throw new InvalidInputError('audio', `window ${index} reads samples before the held ${pcmStart}`);
  }
  if (to > from) out.set(pcm.subarray(from - audioStart, to - audioStart), from - start);
  if (plan.padMode === 'replicate' && plan.padSamples > 0) {
    // The last sample of the silence-padded audio: zero whenever there is trailing silence.
    const last = plan.trailingSilence > 0 ? 0 : (pcm[pcm.length - 1] ?? 0);
    const padFrom = Math.max(start, plan.paddedSamples);
    for (let i = padFrom; i < start + plan.windowSamples; i++) out[i - start] = last;
  }
  return out;
}
