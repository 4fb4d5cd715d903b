import { JoyvasaError } from '@joyvasa/core';

const audioStreamMarker = Symbol.for('joyvasa.error.AudioStreamError');

/**
 * What went wrong with an audio stream: `stalled` (no chunk for longer than `idleTimeoutMs`) or
 * `producer-failed` (the stream's producer threw or errored; the original error is the `cause`).
 */
export type AudioStreamFailure = 'stalled' | 'producer-failed';

/** An audio stream stopped delivering: it stalled past its idle timeout, or its producer failed. */
export class AudioStreamError extends JoyvasaError {
  readonly [audioStreamMarker] = true;
  readonly failure: AudioStreamFailure;
  constructor(failure: AudioStreamFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AudioStreamError';
    this.failure = failure;
  }
  static override isInstance(error: unknown): error is AudioStreamError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[audioStreamMarker] === true
    );
  }
}
