import { errorMarker, ModelLoadError } from '@joyvasa/core';

/** A checkpoint file that cannot be read: truncated, corrupt, unsupported, or carrying forbidden pickle code. */
export class CheckpointError extends ModelLoadError {
  static override readonly marker = errorMarker('CheckpointError');
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(file, message, options);
    this.name = 'CheckpointError';
  }
}

/**
 * Passes CheckpointErrors through and wraps anything else (a RangeError from a hostile size, a bug) in one
 * that names the file, so callers of the readers only ever see CheckpointError for bad input.
 */
export function toCheckpointError(file: string, error: unknown): CheckpointError {
  if (CheckpointError.isInstance(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new CheckpointError(file, `the file is corrupt or not a checkpoint (${reason})`, { cause: error });
}
