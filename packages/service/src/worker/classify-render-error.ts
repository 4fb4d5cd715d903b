import {
  InvalidInputError,
  isAbortError,
  JoyvasaError,
  MissingDependencyError,
  NoFaceFoundError,
  SessionRunError,
  UnsupportedDeviceError,
} from '@joyvasa/core';

/**
 * What a failed render means for its job:
 * - `permanent`: the request itself is wrong (bad media, no face, bad options); retrying cannot help, so the
 *   job fails at once (BullMQ's `UnrecoverableError`).
 * - `worker`: this worker's device or environment failed (a session run, a device, a missing program); the
 *   job is retried with backoff, and the worker stops taking jobs so that another one takes it.
 * - `transient`: anything else (I/O, an unexpected error); retried with backoff a bounded number of times.
 */
export type RenderFailureKind = 'permanent' | 'worker' | 'transient';

/** Error names, beside `InvalidInputError`'s family and `NoFaceFoundError`, that mean the input is bad. */
const permanentNames = new Set(['AudioStreamError', 'FfmpegError', 'UnsupportedWavCodecError']);

/** Classifies an error thrown by `generate()` (see {@link RenderFailureKind}). */
export function classifyRenderError(error: unknown): RenderFailureKind {
  if (InvalidInputError.isInstance(error) || NoFaceFoundError.isInstance(error)) return 'permanent';
  if (
    SessionRunError.isInstance(error) ||
    UnsupportedDeviceError.isInstance(error) ||
    MissingDependencyError.isInstance(error)
  ) {
    return 'worker';
  }
  if (JoyvasaError.isInstance(error) && permanentNames.has(error.name)) return 'permanent';
  return 'transient';
}

/** `{ name, message }` of anything thrown, for the job's error. */
export function errorSummary(error: unknown): { name: string; message: string } {
  if (isAbortError(error)) return { name: 'AbortError', message: String((error as Error).message) };
  if (error instanceof Error) return { name: error.name, message: error.message.split('\n')[0] ?? '' };
  return { name: 'Error', message: String(error) };
}
