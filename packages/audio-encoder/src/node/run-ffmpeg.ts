import { missingFfmpeg, spawnFfmpeg } from './spawn-ffmpeg.js';

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
  /** Kills ffmpeg (SIGKILL) after this many milliseconds and rejects with `onTimeLimit()`. */
  readonly timeLimitMs?: number;
  /** The error a run stopped by `timeLimitMs` rejects with. */
  readonly onTimeLimit?: () => Error;
}

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
    const { child, stderrTail } = spawnFfmpeg(executable, args, ['pipe', 'pipe', 'pipe']);
    const stdout: Buffer[] = [];
    let settled = false;
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(() => reject(signal!.reason));
    };
    const timer =
      options.timeLimitMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            const error = options.onTimeLimit?.() ?? new Error(`ffmpeg ran past ${options.timeLimitMs} ms`);
            finish(() => reject(error));
          }, options.timeLimitMs);
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    // ffmpeg may exit before reading all its input (bad data): the exit code reports that, not EPIPE.
    child.stdin!.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(() => reject(missingFfmpeg(executable, error))),
    );
    child.on('close', (exitCode) =>
      finish(() => resolve({ exitCode, stdout: Buffer.concat(stdout), stderrTail: stderrTail() })),
    );
    if (options.stdin) child.stdin!.end(options.stdin);
    else child.stdin!.end();
  });
}
