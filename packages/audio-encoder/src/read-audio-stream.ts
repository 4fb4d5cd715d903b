import { InvalidInputError } from '@joyvasa/core';
import { sampleRateRange } from './decode-audio.js';
import { nextChunk, pullChunks } from './next-chunk.js';
import { createStreamResampler } from './stream-resampler.js';

/** Interleaved samples: float in [-1, 1], or signed 16-bit (divided by 32768). */
export type PcmSamples = Float32Array | Int16Array;

/**
 * One chunk of a PCM stream: interleaved samples, or samples with the rate and channel count they were
 * recorded at (checked against the stream's, so a producer that switches rate is caught, not misread).
 * A chunk may end inside a multi-channel frame; the rest of the frame comes with the next chunk.
 */
export type PcmChunk =
  | PcmSamples
  | { readonly pcm: PcmSamples; readonly sampleRate?: number; readonly channels?: number };

/** Speech that arrives while it is being animated: a microphone, a TTS, a socket. */
export interface AudioStreamInput {
  /** The chunks, in order; the stream's end is the speech's end. */
  readonly stream: AsyncIterable<PcmChunk> | ReadableStream<PcmChunk>;
  /** Sample rate of every chunk, in Hz. */
  readonly sampleRate: number;
  /** Interleaved channels. Default 1. */
  readonly channels?: number;
}

/** Options of {@link readAudioStream}. */
export interface ReadAudioStreamOptions {
  /** Output rate in Hz: the audio encoder's `sampleRate`. */
  readonly sampleRate: number;
  /**
   * Longest wait for the next chunk, in ms, before an `AudioStreamError` (`stalled`). Default: wait for
   * ever (a live microphone may be silent and still open; a producer that hangs then hangs the run).
   */
  readonly idleTimeoutMs?: number;
  /** Stops reading and closes the producer. */
  readonly signal?: AbortSignal;
}

/** Mono audio read so far: the new samples and how much of the source has arrived. */
export interface AudioStreamPiece {
  /** New mono samples at the output rate (may be empty: the resampler waits for its filter's length). */
  readonly pcm: Float32Array;
  /** Source frames (samples per channel) received so far, in total. */
  readonly sourceFrames: number;
  /** Rate of `sourceFrames`, in Hz. */
  readonly sourceSampleRate: number;
}

/** True for an {@link AudioStreamInput} (as opposed to a file, bytes or whole PCM). */
export function isAudioStreamInput(input: unknown): input is AudioStreamInput {
  if (typeof input !== 'object' || input === null || !('stream' in input)) return false;
  const stream = (input as { stream: unknown }).stream as Record<PropertyKey, unknown> | null;
  return typeof stream?.[Symbol.asyncIterator] === 'function' || typeof stream?.getReader === 'function';
}

function checkStreamFormat(input: AudioStreamInput): number {
  const { sampleRate } = input;
  const channels = input.channels ?? 1;
  if (!Number.isFinite(sampleRate) || sampleRate < sampleRateRange.min || sampleRate > sampleRateRange.max) {
    throw new InvalidInputError(
      'audio.sampleRate',
      `${sampleRate} Hz is outside ${sampleRateRange.min}-${sampleRateRange.max} Hz; give the stream's rate in Hz`,
    );
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    throw new InvalidInputError('audio.channels', `${channels} is not a channel count from 1 to 32`);
  }
  return channels;
}

/** The chunk's samples as floats, after checking its type, rate, channels and values. */
function chunkSamples(
  chunk: unknown,
  index: number,
  input: AudioStreamInput,
  channels: number,
): Float32Array {
  const what = `audio chunk ${index}`;
  const samples =
    chunk instanceof Float32Array || chunk instanceof Int16Array ? chunk : (chunk as { pcm?: unknown })?.pcm;
  if (!(samples instanceof Float32Array || samples instanceof Int16Array)) {
    const kind = chunk === null ? 'null' : typeof chunk === 'object' ? chunk.constructor?.name : typeof chunk;
    throw new InvalidInputError(what, `expected a Float32Array, an Int16Array or { pcm }, got ${kind}`);
  }
  const stated = samples === chunk ? {} : (chunk as { sampleRate?: number; channels?: number });
  if (stated.sampleRate !== undefined && stated.sampleRate !== input.sampleRate) {
    throw new InvalidInputError(
      what,
      `it is at ${stated.sampleRate} Hz but the stream was opened at ${input.sampleRate} Hz; resample it or open a new stream`,
    );
  }
  if (stated.channels !== undefined && stated.channels !== channels) {
    throw new InvalidInputError(what, `it has ${stated.channels} channels but the stream has ${channels}`);
  }
  if (samples instanceof Int16Array) return Float32Array.from(samples, (value) => value / 32768);
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) {
      throw new InvalidInputError(what, `sample ${i} is ${samples[i]}; audio must be finite`);
    }
  }
  return samples;
}

/**
 * Averages interleaved frames into mono as `mixToMono` does (double-precision sum, one rounding), keeping a
 * partial last frame for the next chunk.
 */
function createInterleavedMixer(channels: number) {
  let carry = new Float32Array(0);
  return (samples: Float32Array): Float32Array => {
    if (channels === 1) return samples;
    let all = samples;
    if (carry.length > 0) {
      all = new Float32Array(carry.length + samples.length);
      all.set(carry);
      all.set(samples, carry.length);
    }
    const frames = Math.floor(all.length / channels);
    const mono = new Float32Array(frames);
    const scale = 1 / channels;
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += all[f * channels + c]!;
      mono[f] = sum * scale;
    }
    carry = all.slice(frames * channels);
    return mono;
  };
}

/**
 * Reads a PCM stream as mono audio at `options.sampleRate` (the encoder's), chunk by chunk: what `decodeAudio`
 * gives for the same samples whole (channels averaged, the same resampler), however the stream was cut.
 * Memory stays flat: nothing is kept past the resampler's filter length. Breaking out of the loop, an abort
 * or an error closes the producer.
 *
 * @throws InvalidInputError for a bad rate or channel count, a chunk of the wrong type, rate, channel count
 *   or with non-finite samples, or a stream that ends without a sample.
 * @throws AudioStreamError when the producer fails or stalls past `idleTimeoutMs`.
 */
export async function* readAudioStream(
  input: AudioStreamInput,
  options: ReadAudioStreamOptions,
): AsyncGenerator<AudioStreamPiece, void> {
  const channels = checkStreamFormat(input);
  const resampler = createStreamResampler(input.sampleRate, options.sampleRate);
  const mix = createInterleavedMixer(channels);
  const puller = pullChunks<PcmChunk>(input.stream);
  let done = false;
  let samplesIn = 0;
  try {
    for (let index = 0; ; index++) {
      const chunk = await nextChunk(puller, index, options.idleTimeoutMs, options.signal);
      if (chunk === undefined) break;
      const samples = chunkSamples(chunk, index, input, channels);
      samplesIn += samples.length;
      const sourceFrames = Math.floor(samplesIn / channels);
      yield { pcm: resampler.push(mix(samples)), sourceFrames, sourceSampleRate: input.sampleRate };
    }
    done = true;
    if (samplesIn < channels) {
      throw new InvalidInputError(
        'audio',
        'the stream ended without a sample; send at least one frame of PCM',
      );
    }
    yield {
      pcm: resampler.end(),
      sourceFrames: Math.floor(samplesIn / channels),
      sourceSampleRate: input.sampleRate,
    };
  } finally {
    if (!done) puller.close(options.signal?.reason);
  }
}
