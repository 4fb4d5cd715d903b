import { JoyvasaError } from '@joyvasa/core';
import { createPolyphaseFilter, type ResampleOptions } from './resample.js';

/** {@link resample} for audio that arrives in pieces; see {@link createStreamResampler}. */
export interface StreamResampler {
  /** Feeds the next input samples; returns the output samples that are now final (often a few fewer). */
  push(chunk: Float32Array): Float32Array;
  /** Ends the input: returns the remaining output, computed with zeros past the end as `resample` does. */
  end(): Float32Array;
}

/**
 * A chunked {@link resample}: the outputs of every `push` and of `end`, concatenated, equal `resample` of
 * the whole input sample for sample, however the input was cut. An output is produced once the input
 * samples its filter reads have arrived (the filter's half length, about 1.5 ms at 16 kHz, is the delay);
 * only those samples are kept, so memory stays flat on an endless stream. Equal rates pass chunks through.
 */
export function createStreamResampler(
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): StreamResampler {
  const filter = createPolyphaseFilter(fromRate, toRate, options);
  let buffer = new Float32Array(0);
  /** Input index of `buffer[0]`. */
  let bufferStart = 0;
  /** Input samples received. */
  let received = 0;
  /** Next output index. */
  let next = 0;
  let ended = false;

  const produce = (count: number): Float32Array => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = filter!.sample(buffer, bufferStart, next + i);
    next += count;
    // Keep only what later outputs read.
    const keepFrom = Math.max(bufferStart, Math.min(received, filter!.inputStart(next)));
    buffer = buffer.slice(keepFrom - bufferStart);
    bufferStart = keepFrom;
    return out;
  };

  return {
    push(chunk) {
      if (ended)
        throw new JoyvasaError('StreamResampler.push() after end(): create a new resampler per stream');
      if (!filter) return chunk.slice();
      const grown = new Float32Array(buffer.length + chunk.length);
      grown.set(buffer);
      grown.set(chunk, buffer.length);
      buffer = grown;
      received += chunk.length;
      let last = next;
      while (filter.inputEnd(last) <= received) last++;
      return produce(last - next);
    },
    end() {
      ended = true;
      if (!filter) return new Float32Array(0);
      return produce(Math.max(0, filter.outputLength(received) - next));
    },
  };
}
