import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { MissingDependencyError } from '@joyvasa/core';

/** A started ffmpeg and the end of what it wrote to stderr. */
export interface SpawnedFfmpeg {
  readonly child: ChildProcess;
  /** The last 4 KiB of stderr so far, trimmed: where ffmpeg says what went wrong. */
  stderrTail(): string;
}

const stderrKeep = 4096;

/**
 * Spawns ffmpeg (`executable`, a name on PATH or a path) with `args` and `stdio`, whose fd 2 must be
 * `'pipe'`, and keeps the tail of its stderr. A failed start arrives as the child's `error` event: map it
 * with {@link missingFfmpeg}.
 */
export function spawnFfmpeg(executable: string, args: readonly string[], stdio: StdioOptions): SpawnedFfmpeg {
  const child = spawn(executable, args, { stdio });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrKeep);
  });
  return { child, stderrTail: () => stderr.trim() };
}

/**
 * Maps a failed spawn to the error a user can act on: a {@link MissingDependencyError} saying how to
 * install ffmpeg when it is missing or not executable (ENOENT, EACCES); other errors pass through.
 */
export function missingFfmpeg(executable: string, error: NodeJS.ErrnoException): Error {
  if (error.code !== 'ENOENT' && error.code !== 'EACCES') return error;
  const where = executable === 'ffmpeg' ? 'on PATH' : `at '${executable}'`;
  return new MissingDependencyError(
    'ffmpeg',
    `no runnable ffmpeg ${where} (${error.code}). Install it (Debian/Ubuntu: apt-get install ffmpeg; ` +
      'macOS: brew install ffmpeg; Windows: winget install ffmpeg) or pass options.ffmpegPath',
    { cause: error },
  );
}
