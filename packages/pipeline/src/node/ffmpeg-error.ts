import { errorMarker, JoyvasaError } from '@joyvasa/core';

/** ffmpeg (or ffprobe) ran but failed: the message ends with the tail of its stderr, which says why. */
export class FfmpegError extends JoyvasaError {
  static override readonly marker = errorMarker('FfmpegError');
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
}
