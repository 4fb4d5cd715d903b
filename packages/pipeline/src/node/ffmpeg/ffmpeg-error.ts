import { errorMarker, JoyvasaError } from '@joyvasa/core';

/** What the signals that end ffmpeg mean to a user; others are named without a meaning. */
const signalMeanings: Readonly<Record<string, string>> = {
  SIGXFSZ: 'the file-size limit (ulimit -f) was reached: the output is larger than this process may write',
  SIGKILL: 'killed outright, often by the out-of-memory killer or a time limit',
  SIGSEGV: 'it crashed (segmentation fault)',
  SIGBUS: 'it crashed (bus error; a file it mapped may have shrunk)',
  SIGABRT: 'it aborted',
  SIGPIPE: 'a pipe it wrote to was closed',
  SIGTERM: 'it was asked to stop',
  SIGINT: 'it was interrupted',
  SIGHUP: 'its terminal closed',
};

/** How a process ended, in words: `exited with code 1`, or `was killed by SIGXFSZ (the file-size limit …)`. */
export function describeExit(code: number | null, signal?: NodeJS.Signals | null): string {
  if (!signal) return `exited with code ${code}`;
  const meaning = signalMeanings[signal];
  return `was killed by ${signal}${meaning ? ` (${meaning})` : ''}`;
}

/** ffmpeg (or ffprobe) ran but failed: the message ends with the tail of its stderr, which says why. */
export class FfmpegError extends JoyvasaError {
  static override readonly marker = errorMarker('FfmpegError');
  /** ffmpeg's exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended ffmpeg (`SIGXFSZ` for a file-size limit), or null when it exited. */
  readonly signal: NodeJS.Signals | null;
  /** The last few kilobytes of ffmpeg's stderr. */
  readonly stderr: string;
  constructor(
    what: string,
    exitCode: number | null,
    stderr: string,
    options?: { cause?: unknown; tool?: 'ffmpeg' | 'ffprobe'; signal?: NodeJS.Signals | null },
  ) {
    const { tool = 'ffmpeg', signal = null, ...errorOptions } = options ?? {};
    super(
      `${what}: ${tool} ${describeExit(exitCode, signal)}. ${tool} said: ${stderr || '(nothing)'}`,
      errorOptions,
    );
    this.name = 'FfmpegError';
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderr = stderr;
  }
}
