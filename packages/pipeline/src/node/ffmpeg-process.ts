import { type ChildProcess, type IOType, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { MissingDependencyError } from '@joyvasa/core';

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running ffmpeg whose stdin (and optional extra pipes) the caller feeds. */
export interface FfmpegProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its pipes are closed. */
  readonly exited: Promise<ProcessExit>;
  /** The last few kilobytes of stderr so far. */
  stderrTail(): string;
  /** Writes to pipe `fd` (0 = stdin), resolving once the pipe can take more: memory stays bounded. */
  write(chunk: Uint8Array, fd?: number): Promise<void>;
  /** Closes pipe `fd`. */
  end(fd?: number): void;
}

const stderrKeep = 4096;

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
  const child: ChildProcess = spawn(executable, args, { stdio });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrKeep);
  });
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
  return { child, exited, stderrTail: () => stderr.trim(), write, end: (fd = 0) => pipes[fd]?.end() };
}

/** Maps a failed spawn to the error a user can act on; other errors pass through. */
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
