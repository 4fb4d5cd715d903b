import type { ChildProcess } from 'node:child_process';
import { type IOType, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { MissingDependencyError } from '@joyvasa/core';
import { FfmpegError } from './ffmpeg-error.js';

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running ffmpeg whose stdin (and optional extra pipes) the caller feeds. */
export interface FfmpegProcess {
  readonly child: ChildProcess;
  /** The last 4 KiB of stderr so far, trimmed: where ffmpeg says what went wrong. */
  stderrTail(): string;
  /** Resolves when the process has exited and its pipes are closed. */
  readonly exited: Promise<ProcessExit>;
  /** Writes to pipe `fd` (0 = stdin), resolving once the pipe can take more: memory stays bounded. */
  write(chunk: Uint8Array, fd?: number): Promise<void>;
  /** Closes pipe `fd`. */
  end(fd?: number): void;
  /** Waits for ffmpeg to exit and describes how it failed: `what` failed, its exit, its stderr's tail. */
  failure(what: string, cause?: unknown): Promise<FfmpegError>;
}

const stderrKeep = 4096;

/**
 * Maps a failed start of `tool` to the error a user can act on: a {@link MissingDependencyError} saying
 * how to install ffmpeg (which ships ffprobe) when it is missing or not executable (ENOENT, EACCES); other
 * errors pass through.
 */
export function missingFfmpegTool(
  tool: 'ffmpeg' | 'ffprobe',
  executable: string,
  error: NodeJS.ErrnoException,
): Error {
  if (error.code !== 'ENOENT' && error.code !== 'EACCES') return error;
  const where = executable === tool ? 'on PATH' : `at '${executable}'`;
  const which = tool === 'ffmpeg' ? 'it' : 'ffmpeg, which includes it';
  return new MissingDependencyError(
    tool,
    `no runnable ${tool} ${where} (${error.code}). Install ${which} (Debian/Ubuntu: apt-get install ffmpeg; ` +
      `macOS: brew install ffmpeg; Windows: winget install ffmpeg) or pass options.${tool}Path`,
    { cause: error },
  );
}

/** Resolves once `pipe` can take more; rejects when it closes first. */
function drained(pipe: Writable, fd: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
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
}

/**
 * Starts ffmpeg (`executable`, a name on PATH or a path) with `args` and `extraPipes` writable pipes after
 * stdin (fd 3, 4, …), keeps the tail of its stderr and waits until it runs. The pipeline's one way to
 * start ffmpeg (its video sinks and probes).
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
  const child = spawn(executable, args, { stdio });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-stderrKeep);
  });
  const stderrTail = () => stderr.trim();
  const pipes = child.stdio.map((stream, fd) => (fd === 0 || fd >= 3 ? (stream as Writable | null) : null));
  // A pipe breaks when ffmpeg exits early; the exit code and stderr report why, so these errors are noise.
  for (const pipe of pipes) pipe?.on('error', () => {});
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(missingFfmpegTool('ffmpeg', executable, error)),
    );
  });
  const write = async (chunk: Uint8Array, fd = 0) => {
    const pipe = pipes[fd];
    if (!pipe || pipe.destroyed || pipe.writableEnded) throw new Error(`ffmpeg's pipe ${fd} is closed`);
    if (!pipe.write(chunk)) await drained(pipe, fd);
  };
  const failure = async (what: string, cause?: unknown) => {
    const exit = await exited;
    return new FfmpegError(what, exit.code, stderrTail(), {
      signal: exit.signal,
      ...(cause ? { cause } : {}),
    });
  };
  return { child, exited, stderrTail, write, end: (fd = 0) => pipes[fd]?.end(), failure };
}
