import { errorMarker, JoyvasaError } from '@joyvasa/core';

/** Redis (the queue) cannot be reached: the API answers 503 until it is back. */
export class QueueUnavailableError extends JoyvasaError {
  static override readonly marker = errorMarker('QueueUnavailableError');
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

/** No video has this id (never submitted, or removed). */
export class VideoNotFoundError extends JoyvasaError {
  static override readonly marker = errorMarker('VideoNotFoundError');
  readonly id: string;
  constructor(id: string, message = `no video has the id '${id}'`) {
    super(message);
    this.name = 'VideoNotFoundError';
    this.id = id;
  }
}

/** A `/v1` request without a valid `Authorization: Bearer <token>`. */
export class UnauthorizedError extends JoyvasaError {
  static override readonly marker = errorMarker('UnauthorizedError');
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** An upload larger than the SDK's `inputLimits` allow for its kind. */
export class UploadTooLargeError extends JoyvasaError {
  static override readonly marker = errorMarker('UploadTooLargeError');
  /** The form field: `image` or `audio`. */
  readonly field: string;
  readonly limitBytes: number;
  constructor(field: string, limitBytes: number) {
    super(`the ${field} upload exceeds ${limitBytes} bytes (inputLimits); send a smaller file`);
    this.name = 'UploadTooLargeError';
    this.field = field;
    this.limitBytes = limitBytes;
  }
}

/** A render was cancelled (`DELETE /v1/videos/:id`) before it completed. */
export class RenderCancelledError extends JoyvasaError {
  static override readonly marker = errorMarker('RenderCancelledError');
  constructor(id: string) {
    super(`video ${id} was cancelled`);
    this.name = 'RenderCancelledError';
  }
}

/** No live session has this id (never opened, or ended). */
export class LiveSessionNotFoundError extends JoyvasaError {
  static override readonly marker = errorMarker('LiveSessionNotFoundError');
  readonly id: string;
  constructor(id: string) {
    super(`no live session has the id '${id}' (it ended, or never started)`);
    this.name = 'LiveSessionNotFoundError';
    this.id = id;
  }
}

/** The live server runs as many sessions as it may: retry after `retryAfterSeconds`. */
export class LiveCapacityError extends JoyvasaError {
  static override readonly marker = errorMarker('LiveCapacityError');
  readonly retryAfterSeconds: number;
  constructor(sessions: number, retryAfterSeconds: number) {
    super(`the server already runs its ${sessions} live sessions; retry in ${retryAfterSeconds} s`);
    this.name = 'LiveCapacityError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
