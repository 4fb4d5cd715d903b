import { type AudioStreamInput, readAudioStream } from '@joyvasa/audio-encoder';
import type { AudioEncoderV1 } from '@joyvasa/core';

/** Options of {@link openLiveAudio}. */
export interface LiveAudioOptions {
  /** Longest wait for the next chunk, in ms (an `AudioStreamError` then). Default: wait for ever. */
  readonly idleTimeoutMs?: number;
  /** Rate of the PCM handed to the sampler (the audio encoder's), Hz. Default 16000. */
  readonly sampleRate?: number;
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
 * kept only when the clip reaches it). Reading ahead is bounded by `highWaterSamples`, so memory stays
 * flat when the consumer is slower than the producer.
 */
export function openLiveAudio(input: AudioStreamInput, options: LiveAudioOptions = {}): LiveAudio {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const sampleRate = options.sampleRate ?? 16000;
  const highWater = options.highWaterSamples ?? 8 * sampleRate;
  const queue: Float32Array[] = [];
  let queued = 0;
  let seconds = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void)[] = [];
  const notify = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  const changed = () => new Promise<void>((resolve) => wake.push(resolve));

  void (async () => {
    for await (const piece of readAudioStream(input, {
      sampleRate,
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      signal,
    })) {
      queue.push(piece.pcm);
      queued += piece.pcm.length;
      seconds = piece.sourceFrames / piece.sourceSampleRate;
      notify();
      while (queued > highWater && !signal.aborted) await changed();
    }
  })().then(
    () => {
      ended = true;
      notify();
    },
    (error: unknown) => {
      failure = error;
      notify();
    },
  );

  async function* pcm(): AsyncGenerator<Float32Array> {
    for (;;) {
      const next = queue.shift();
      if (next) {
        queued -= next.length;
        notify();
        yield next;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await changed();
    }
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
        await changed();
      }
    },
    close() {
      stop.abort();
      notify();
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
    openLiveAudio(input).close();
    throw error;
  }
}
