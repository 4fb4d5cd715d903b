import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '@joyvasa/core';
import { createFrameSink } from '../create-frame-sink.js';
import type { FrameSinkV1 } from '../frame-sink.js';
import { encodePng } from './encode-png.js';

/** Options of {@link createPngSequenceSink}. */
export interface PngSequenceSinkOptions {
  /** Folder for the frames, created if missing. Existing files of the same names are overwritten. */
  readonly directory: string;
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
  return createFrameSink({
    async start() {
      await mkdir(directory, { recursive: true });
    },
    async write(frame, index) {
      const path = join(directory, `${prefix}${String(index).padStart(digits, '0')}.png`);
      const png = await encodePng(frame, { level });
      await writeFile(path, png);
      files.push(path);
    },
    files: () => files,
    async abort() {
      await Promise.all(files.map((file) => rm(file, { force: true })));
      files.length = 0;
    },
  });
}
