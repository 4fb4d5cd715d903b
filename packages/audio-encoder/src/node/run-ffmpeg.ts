import { spawn } from 'node:child_process';
import { MissingDependencyError } from '@joyvasa/core';

/** What a finished ffmpeg run produced. */
export interface FfmpegRun {
  readonly exitCode: number | null;
  readonly stdout: Buffer;
  /** The last few kilobytes of stderr, trimmed. */
  readonly stderrTail: string;
}

/** Options of {@link runFfmpeg}. */
export interface RunFfmpegOptions {
  /** Executable to run. Default `ffmpeg`, looked up on PATH. */
  readonly ffmpegPath?: string;
  /** Written to ffmpeg's stdin, which is then closed. */
  readonly stdin?: Uint8Array;
  /** Kills ffmpeg (SIGKILL) and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

const stderrKeep = 4096;

/**
 * Runs ffmpeg to completion, collecting stdout in memory. Resolves whatever the exit code; rejects only
 * when ffmpeg cannot be started (MissingDependencyError) or on abort.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<FfmpegRun> {
  const executable = options.ffmpegPath ?? 'ffmpeg';
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(executable, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(() => reject(signal!.reason));
    };
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-stderrKeep);
    });
    // ffmpeg may exit before reading all its input (bad data): the exit code reports that, not EPIPE.
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => finish(() => reject(spawnError(executable, error))));
    child.on('close', (exitCode) =>
      finish(() => resolve({ exitCode, stdout: Buffer.concat(stdout), stderrTail: stderr.trim() })),
    );
    if (options.stdin) child.stdin.end(options.stdin);
    else child.stdin.end();
  });
}

/** Maps a failed spawn to the error a user can act on. */
export function spawnError(executable: string, error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    const where = executable === 'ffmpeg' ? 'on PATH' : `at '${executable}'`;
    return new MissingDependencyError(
      'ffmpeg',
      `no runnable ffmpeg ${where} (${error.code}). Install it (Debian/Ubuntu: apt-get install ffmpeg; ` +
        'macOS: brew install ffmpeg; Windows: winget install ffmpeg) or pass options.ffmpegPath',
      { cause: error },
    );
  }
  return error;
}
