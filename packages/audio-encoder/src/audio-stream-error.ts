import { errorMarker, JoyvasaError } from '@joyvasa/core';

/**
 * What went wrong with an audio stream: `stalled` (no chunk for longer than `idleTimeoutMs`) or
 * `producer-failed` (the stream's producer threw or errored; the original error is the `cause`).
 */
export type AudioStreamFailure = 'stalled' | 'producer-failed';

/** An audio stream stopped delivering: it stalled past its idle timeout, or its producer failed. */
export class AudioStreamError extends JoyvasaError {
  static override readonly marker = errorMarker('AudioStreamError');
  readonly failure: AudioStreamFailure;
  constructor(failure: AudioStreamFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AudioStreamError';
    this.failure = failure;
  }
}
