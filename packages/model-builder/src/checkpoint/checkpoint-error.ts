import { ModelLoadError } from '@joyvasa/core';

/** A checkpoint file that cannot be read: truncated, corrupt, unsupported, or carrying forbidden pickle code. */
export class CheckpointError extends ModelLoadError {
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(file, message, options);
    this.name = 'CheckpointError';
  }
}
