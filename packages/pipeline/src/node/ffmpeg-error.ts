import { JoyvasaError } from '@joyvasa/core';

const marker = Symbol.for('joyvasa.error.FfmpegError');

/** ffmpeg (or ffprobe) ran but failed: the message ends with the tail of its stderr, which says why. */
export class FfmpegError extends JoyvasaError {
  readonly [marker] = true;
  /** ffmpeg's exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The last few kilobytes of ffmpeg's stderr. */
  readonly stderr: string;
  constructor(
    what: string,
    exitCode: number | null,
    stderr: string,
    options?: { cause?: unknown; tool?: 'ffmpeg' | 'ffprobe' },
  ) {
    const { tool = 'ffmpeg', ...errorOptions } = options ?? {};
    super(
      `${what}: ${tool} exited with code ${exitCode}. ${tool} said: ${stderr || '(nothing)'}`,
      errorOptions,
    );
    this.name = 'FfmpegError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
  /** True for an FfmpegError from any copy of this package. */
  static override isInstance(error: unknown): error is FfmpegError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
