import { errorMarker, ModelLoadError } from '@joyvasa/core';

/** A TensorFlow.js graph model that cannot be read or converted: malformed JSON, short shards, an unsupported op. */
export class TfjsModelError extends ModelLoadError {
  static override readonly marker = errorMarker('TfjsModelError');
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(source, message, options);
    this.name = 'TfjsModelError';
  }
}
