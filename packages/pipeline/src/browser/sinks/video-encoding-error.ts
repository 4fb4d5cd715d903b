import { errorMarker, JoyvasaError } from '@joyvasa/core';

/** The browser's encoder reported an error while encoding (out of memory, a lost GPU process…). */
export class VideoEncodingError extends JoyvasaError {
  static override readonly marker = errorMarker('VideoEncodingError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VideoEncodingError';
  }
}
