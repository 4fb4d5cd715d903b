import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError, OutputWriteError } from '@joyvasa/core';
import { createFrameSink } from '../../sinks/create-frame-sink.js';
import type { FrameSinkV1 } from '../../sinks/frame-sink.js';
import { encodePng } from './encode-png.js';

/** Options of {@link createPngSequenceSink}. */
export interface PngSequenceSinkOptions {
  /** Folder for the frames, created if missing. */
  readonly directory: string;
  /** Replace frames already in the folder. Default false: a folder holding a first frame is refused. */
  readonly overwrite?: boolean;
  /** File name before the frame number. Default `frame-`. */
  readonly prefix?: string;
  /** Frame number width, zero-padded. Default 5 (`frame-00000.png`). */
  readonly digits?: number;
  /** zlib level 0 to 9. Default 6. */
  readonly compressionLevel?: number;
}

/**
 * A {@link FrameSinkV1} that writes each frame as `<directory>/<prefix><index>.png`. `finish` returns
 * the absolute paths in frame order; `abort` deletes the files this sink wrote. Audio is ignored.
 *
 * `start` refuses a file where the folder should be and, without `overwrite`, a folder that already holds
 * a first frame (InvalidInputError). Each frame is written to a hidden `.partial` file and renamed, so a
 * full disk or a file-size limit leaves no truncated frame: it is an {@link OutputWriteError}.
 */
export function createPngSequenceSink(options: PngSequenceSinkOptions): FrameSinkV1 {
  if (typeof options?.directory !== 'string' || options.directory === '') {
    throw new InvalidInputError('options.directory', 'must be the folder to write frames to');
  }
  const directory = resolve(options.directory);
  const prefix = options.prefix ?? 'frame-';
  if (/[/\\\0]/.test(prefix)) throw new InvalidInputError('options.prefix', 'must not contain / \\ or NUL');
  const digits = options.digits ?? 5;
  if (!Number.isInteger(digits) || digits < 1 || digits > 12) {
    throw new InvalidInputError('options.digits', `must be an integer from 1 to 12, got ${digits}`);
  }
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidInputError('options.compressionLevel', `must be an integer from 0 to 9, got ${level}`);
  }
  const files: string[] = [];
  const name = (index: number) => `${prefix}${String(index).padStart(digits, '0')}.png`;
  return createFrameSink({
    async start() {
      await makeFolder(directory);
      const first = join(directory, name(0));
      const exists = await lstat(first).then(
        () => true,
        () => false,
      );
      if (exists && !options.overwrite) {
        throw new InvalidInputError(
          'options.directory',
          `${first} exists; pass overwrite: true (--force) to replace the frames there, or choose another folder`,
        );
      }
    },
    async write(frame, index) {
      const path = join(directory, name(index));
      const png = await encodePng(frame, { level });
      await writeWhole(path, png);
      files.push(path);
    },
    files: () => files,
    async abort() {
      await Promise.all(files.map((file) => rm(file, { force: true })));
      files.length = 0;
    },
  });
}

/** Creates the frames' folder, with a typed error for a file in its place or a failed write. */
async function makeFolder(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new InvalidInputError(
        'options.directory',
        `${directory} is a file (or lies under one), not a folder; name a folder for the frames`,
        { cause: error },
      );
    }
    throw new OutputWriteError(directory, error, 'Choose a folder you can write to.');
  }
}

/** Writes `bytes` to a hidden partial file and renames it to `path`: a failure leaves neither. */
async function writeWhole(path: string, bytes: Uint8Array): Promise<void> {
  const partial = join(dirname(path), `.${basename(path)}.partial`);
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new OutputWriteError(path, error, 'Free some space (or raise the file-size limit) and run again.');
  }
}
