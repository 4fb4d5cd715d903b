import { spawn } from 'node:child_process';
import { FfmpegError } from '@joyvasa/pipeline/node';

/** A running ffmpeg that reads stdin and writes a stream to stdout. */
export interface FfmpegPipe {
  /** Writes to its stdin; resolves when the pipe took the bytes (back-pressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends it at once (SIGKILL): a live track has nothing to flush. Idempotent. */
  kill(): void;
  /** Settles when the process has ended: rejects with {@link FfmpegError} if it failed while wanted. */
  readonly ended: Promise<void>;
}

/** Starts `ffmpeg` with `args`, passing each piece of its stdout to `onOutput`; `what` names it in errors. */
export function startFfmpegPipe(
  what: string,
  ffmpegPath: string,
  args: readonly string[],
  onOutput: (bytes: Uint8Array) => void,
): FfmpegPipe {
  const child = spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4096);
  });
  child.stdout.on('data', (chunk: Buffer) => onOutput(chunk));
  child.stdin.on('error', () => {});
  const ended = new Promise<void>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new FfmpegError(`the live ${what} could not start`, null, error.message, { cause: error })),
    );
    child.on('close', (code, signal) => {
      if (killed || code === 0) resolve();
      else reject(new FfmpegError(`the live ${what} failed`, code, stderr, { signal }));
    });
  });
  ended.catch(() => {});
  return {
    // Resolves once the bytes are handed to the pipe, or failed to be (the process ended).
    write: (bytes) =>
      new Promise<void>((resolve) => {
        if (killed || !child.stdin.writable) return resolve();
        child.stdin.write(bytes, () => resolve());
      }),
    kill() {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    },
    ended,
  };
}
