import { InvalidInputError, inputLimits, MissingDependencyError, throwIfAborted } from '@joyvasa/core';
import type { AudioFileDecoderV1, PcmAudio } from './audio-file-decoder.js';
import { decodeWav, isWav } from './decode-wav.js';
import { mixToMono } from './mix-to-mono.js';
import { resample } from './resample.js';
import { sniffAudioFormat } from './sniff-audio-format.js';
import { UnsupportedWavCodecError } from './wav-format.js';
import { createWebAudioDecoder } from './web-audio-decoder.js';

/** PCM the caller already has: mono, or one Float32Array per channel, at `sampleRate` Hz. */
export interface PcmInput {
  readonly pcm: Float32Array | readonly Float32Array[];
  readonly sampleRate: number;
}

/** What {@link decodeAudio} accepts: a file's bytes, a Blob (browser `File`), or PCM. */
export type AudioInput = Uint8Array | ArrayBuffer | Blob | PcmInput;

/** Options of {@link decodeAudio}. */
export interface DecodeAudioOptions {
  /** Output rate in Hz: the audio encoder's `sampleRate` (16000 for HuBERT and wav2vec2). */
  readonly sampleRate: number;
  /**
   * Also return the source's own channels at its own rate (`source`), for a video's audio track: the audio
   * is then read once for the model and the track. Default false.
   */
  readonly keepSource?: boolean;
  /**
   * Longest audio accepted, in seconds; longer input is an InvalidInputError. Default 600 (10 minutes),
   * which bounds memory and run time; pass a larger number or `Infinity` to accept more.
   */
  readonly maxDurationSeconds?: number;
  readonly signal?: AbortSignal;
  /**
   * Decodes formats other than PCM/float WAV. Default: the Web Audio API where it exists (browsers);
   * none in Node, where `decodeAudio` from `@joyvasa/audio-encoder/node` supplies an ffmpeg decoder.
   */
  readonly decoder?: AudioFileDecoderV1;
}

/** Mono audio ready for an audio encoder. */
export interface DecodedAudio {
  /** Mono samples at `sampleRate`, channels averaged, not normalised. */
  readonly pcm: Float32Array;
  /** Hz: `options.sampleRate`. */
  readonly sampleRate: number;
  /** Length of the source audio in seconds (source frames / source rate). */
  readonly durationSeconds: number;
  /** The source's rate in Hz (for browser decoding: the rate the browser decoded at). */
  readonly sourceSampleRate: number;
  readonly sourceChannels: number;
  /** The source's channels at `sourceSampleRate`, when `options.keepSource` asked for them. */
  readonly source?: PcmAudio;
}

/** Sample rates outside this range (Hz) are taken for a corrupt header or a wrong argument. */
export const sampleRateRange = { min: 1000, max: 768_000 } as const;

/**
 * Turns audio into mono float PCM at `options.sampleRate` (the encoder's), as
 * `librosa.load(path, sr=16000, mono=True)` does in the reference: channels averaged, then resampled with {@link resample}; no normalisation.
 *
 * WAV (PCM 8 to 32 bits, float 32/64) is parsed here; other formats go to `options.decoder`.
 * Silent audio is valid.
 *
 * @throws InvalidInputError for empty, corrupt, non-finite, too long audio or absurd sample rates.
 * @throws MissingDependencyError when the input needs a decoder and none is available.
 */
export async function decodeAudio(input: AudioInput, options: DecodeAudioOptions): Promise<DecodedAudio> {
  const targetRate = options?.sampleRate;
  if (targetRate === undefined) {
    throw new InvalidInputError(
      'options.sampleRate',
      "is missing: pass the audio encoder's rate (`encoder.sampleRate`; 16000 for HuBERT and wav2vec2)",
    );
  }
  checkSampleRate('options.sampleRate', targetRate);
  const maxDurationSeconds = options.maxDurationSeconds ?? inputLimits.audioMaxSeconds;
  if (!(maxDurationSeconds > 0)) {
    throw new InvalidInputError('options.maxDurationSeconds', `must be positive, got ${maxDurationSeconds}`);
  }
  throwIfAborted(options.signal);
  const source = await toPcm(input, { ...options, maxDurationSeconds });
  throwIfAborted(options.signal);
  const frames = checkPcm(source, maxDurationSeconds);
  const mono = mixToMono(source.channels);
  const pcm = resample(mono, source.sampleRate, targetRate);
  return {
    pcm,
    sampleRate: targetRate,
    durationSeconds: frames / source.sampleRate,
    sourceSampleRate: source.sampleRate,
    sourceChannels: source.channels.length,
    ...(options.keepSource ? { source } : {}),
  };
}

function isPcmInput(input: unknown): input is PcmInput {
  return typeof input === 'object' && input !== null && 'pcm' in input && 'sampleRate' in input;
}

async function toPcm(
  input: AudioInput,
  options: DecodeAudioOptions & { maxDurationSeconds: number },
): Promise<PcmAudio> {
  if (isPcmInput(input)) {
    const channels = input.pcm instanceof Float32Array ? [input.pcm] : [...input.pcm];
    if (!channels.every((channel) => channel instanceof Float32Array)) {
      throw new InvalidInputError('audio.pcm', 'must be a Float32Array or an array of Float32Array channels');
    }
    return { channels, sampleRate: input.sampleRate };
  }
  const bytes = await toBytes(input);
  if (bytes.length === 0) throw new InvalidInputError('audio', 'the file is empty (0 bytes)');
  if (isWav(bytes)) {
    try {
      return decodeWav(bytes);
    } catch (error) {
      if (!UnsupportedWavCodecError.isInstance(error) || !options.decoder) throw error;
    }
  }
  const decoder = options.decoder ?? defaultDecoder();
  if (!decoder) {
    const format = sniffAudioFormat(bytes);
    throw new MissingDependencyError(
      'an audio decoder',
      `this ${format === 'unknown' ? 'non-WAV' : format.toUpperCase()} input needs one and none is ` +
        'available here. In Node, import decodeAudio from @joyvasa/audio-encoder/node (it runs ffmpeg); ' +
        'in a browser the Web Audio API decodes it; or pass options.decoder',
    );
  }
  const signal = options.signal;
  return decoder.decode(bytes, { maxDurationSeconds: options.maxDurationSeconds, ...(signal && { signal }) });
}

async function toBytes(input: Uint8Array | ArrayBuffer | Blob): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new Uint8Array(await input.arrayBuffer());
  const kind = input === null ? 'null' : typeof input === 'object' ? input.constructor?.name : typeof input;
  throw new InvalidInputError(
    'audio',
    `expected file bytes (Uint8Array or ArrayBuffer), a Blob or { pcm, sampleRate }, got ${kind}`,
  );
}

function defaultDecoder(): AudioFileDecoderV1 | undefined {
  return typeof OfflineAudioContext === 'function' ? createWebAudioDecoder() : undefined;
}

function checkSampleRate(what: string, rate: number): void {
  if (!Number.isFinite(rate) || rate < sampleRateRange.min || rate > sampleRateRange.max) {
    throw new InvalidInputError(
      what,
      `sample rate ${rate} Hz is outside ${sampleRateRange.min}-${sampleRateRange.max} Hz; ` +
        'the file is corrupt or the rate was passed in the wrong unit',
    );
  }
}

/** Checks rate, length and values; returns the frame count. */
function checkPcm(source: PcmAudio, maxDurationSeconds: number): number {
  checkSampleRate('audio.sampleRate', source.sampleRate);
  const frames = source.channels[0]?.length ?? 0;
  if (source.channels.length === 0) throw new InvalidInputError('audio', 'has no channels');
  if (frames === 0) throw new InvalidInputError('audio', 'contains no samples; pass at least one sample');
  const seconds = frames / source.sampleRate;
  if (seconds > maxDurationSeconds) {
    throw new InvalidInputError(
      'audio',
      `lasts more than the ${maxDurationSeconds} s limit (${seconds.toFixed(1)} s read); ` +
        'raise options.maxDurationSeconds to accept it',
    );
  }
  source.channels.forEach((channel, c) => {
    for (let i = 0; i < channel.length; i++) {
      if (!Number.isFinite(channel[i]!)) {
        throw new InvalidInputError(
          'audio',
          `sample ${i} of channel ${c} is ${channel[i]}; audio must be finite (the file is corrupt)`,
        );
      }
    }
  });
  return frames;
}
