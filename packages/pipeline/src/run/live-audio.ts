import { type AudioStreamInput, readAudioStream } from '@joyvasa/audio-encoder';
import type { AudioEncoderV1 } from '@joyvasa/core';
import { createBoundedQueue, pump } from './bounded-queue.js';
import { createNotifier } from './notifier.js';

/** Options of {@link openLiveAudio}. */
export interface LiveAudioOptions {
  /** Rate of the PCM handed to the sampler: the audio encoder's, in Hz. */
  readonly sampleRate: number;
  /** Longest wait for the next chunk, in ms (an `AudioStreamError` then). Default: wait for ever. */
  readonly idleTimeoutMs?: number;
  /** Mono samples read ahead of the sampler, at most; the producer waits beyond. Default 8 s of audio. */
  readonly highWaterSamples?: number;
  readonly signal?: AbortSignal;
}

/** A PCM stream read ahead of the sampler, so the renderer can learn how much audio has arrived. */
export interface LiveAudio {
  /** Mono chunks at `sampleRate` for the motion sampler, in order; ends with the stream. */
  readonly pcm: AsyncIterable<Float32Array>;
  /** Source seconds received so far; the whole duration once `ended`. */
  seconds(): number;
  readonly ended: boolean;
  /**
   * Resolves once `enough(seconds received)` holds or the stream has ended; rejects on the stream's error.
   */
  waitFor(enough: (seconds: number) => boolean): Promise<void>;
  /** Stops reading (closes the producer). */
  close(): void;
}

/**
 * Starts reading an audio stream at once, independently of the sampler that consumes it: the sampler
 * pulls whole windows, while the renderer needs to know that a frame's audio has arrived (a frame is
 * kept only when the clip reaches it). Reading ahead is bounded by `highWaterSamples` (a bounded queue),
 * so memory stays flat when the consumer is slower than the producer.
 */
export function openLiveAudio(input: AudioStreamInput, options: LiveAudioOptions): LiveAudio {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const { sampleRate } = options;
  const queue = createBoundedQueue<Float32Array>(options.highWaterSamples ?? 8 * sampleRate, {
    weigh: (pcm) => pcm.length,
  });
  const arrived = createNotifier();
  let seconds = 0;
  let ended = false;
  let failure: unknown;

  async function* read(): AsyncGenerator<Float32Array> {
    const pieces = readAudioStream(input, {
      sampleRate,
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      signal,
    });
    try {
      for await (const piece of pieces) {
        seconds = piece.sourceFrames / piece.sourceSampleRate;
        arrived.notify();
        yield piece.pcm;
      }
      ended = true;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      arrived.notify();
    }
  }
  void pump(read(), queue);

  async function* pcm(): AsyncGenerator<Float32Array> {
    for (let next = await queue.pull(); !next.done; next = await queue.pull()) yield next.value;
  }

  return {
    pcm: pcm(),
    seconds: () => seconds,
    get ended() {
      return ended;
    },
    async waitFor(enough) {
      while (!enough(seconds) && !ended) {
        if (failure !== undefined) throw failure;
        await arrived.changed();
      }
    },
    close() {
      stop.abort();
      queue.cancel();
      arrived.notify();
    },
  };
}

/**
 * The rate a live stream is read at: the audio encoder's, once `encoder` resolves. When it rejects (an
 * encoder the motion model refuses), the stream's producer is closed, as a failed run closes it.
 */
export async function liveSampleRate(
  input: AudioStreamInput,
  encoder: Promise<AudioEncoderV1>,
): Promise<number> {
  try {
    return (await encoder).sampleRate;
  } catch (error) {
    // Reading at any rate and closing at once releases the producer.
    openLiveAudio(input, { sampleRate: input.sampleRate }).close();
    throw error;
  }
}
