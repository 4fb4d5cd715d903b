import type { IOType } from 'node:child_process';
import type { Writable } from 'node:stream';
import { missingFfmpeg, type SpawnedFfmpeg, spawnFfmpeg } from '@joyvasa/audio-encoder/node';

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running ffmpeg whose stdin (and optional extra pipes) the caller feeds. */
export interface FfmpegProcess extends SpawnedFfmpeg {
  /** Resolves when the process has exited and its pipes are closed. */
  readonly exited: Promise<ProcessExit>;
  /** Writes to pipe `fd` (0 = stdin), resolving once the pipe can take more: memory stays bounded. */
  write(chunk: Uint8Array, fd?: number): Promise<void>;
  /** Closes pipe `fd`. */
  end(fd?: number): void;
}

/**
 * Starts ffmpeg with `extraPipes` writable pipes after stdin (fd 3, 4, …) and waits until it runs.
 *
 * @throws MissingDependencyError when the executable cannot be started.
 */
export async function startFfmpeg(
  executable: string,
  args: readonly string[],
  extraPipes = 0,
): Promise<FfmpegProcess> {
  const stdio: IOType[] = [
    'pipe',
    'ignore',
    'pipe',
    ...Array.from({ length: extraPipes }, () => 'pipe' as const),
  ];
  const { child, stderrTail } = spawnFfmpeg(executable, args, stdio);
  const pipes = child.stdio.map((stream, fd) => (fd === 0 || fd >= 3 ? (stream as Writable | null) : null));
  // A pipe breaks when ffmpeg exits early; the exit code and stderr report why, so these errors are noise.
  for (const pipe of pipes) pipe?.on('error', () => {});
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(missingFfmpeg(executable, error)));
  });
  const write = async (chunk: Uint8Array, fd = 0) => {
    const pipe = pipes[fd];
    if (!pipe || pipe.destroyed || pipe.writableEnded) throw new Error(`ffmpeg's pipe ${fd} is closed`);
    if (pipe.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        pipe.off('drain', onDrain);
        pipe.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error(`ffmpeg closed its pipe ${fd}`));
      pipe.on('drain', onDrain);
      pipe.on('close', onClose);
    });
  };
  return { child, exited, stderrTail, write, end: (fd = 0) => pipes[fd]?.end() };
}
