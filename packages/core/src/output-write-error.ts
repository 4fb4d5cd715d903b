import { errorMarker, JoyvasaError } from './errors.js';

const reasons: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file exceeds the file-size limit (ulimit -f)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
};

/** A file the SDK writes (a bundle file, a download) could not be written; the partial file was removed. */
export class OutputWriteError extends JoyvasaError {
  static override readonly marker = errorMarker('OutputWriteError');
  /** The file that could not be written. */
  readonly path: string;
  /** The system error code, e.g. `ENOSPC`. */
  readonly code: string | undefined;
  constructor(path: string, cause: unknown, advice: string) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = (code && reasons[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(
      `Cannot write ${path}: ${reason}${code ? ` (${code})` : ''}; the partial file was removed. ${advice}`,
      {
        cause,
      },
    );
    this.name = 'OutputWriteError';
    this.path = path;
    this.code = code;
  }
}

/** True for a system error from writing (as opposed to a JoyvasaError or an abort passing through). */
export function isWriteFailure(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.code === 'string' && !JoyvasaError.isInstance(error);
}
