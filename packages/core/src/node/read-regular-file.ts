import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { isAbortError, JoyvasaError, throwIfAborted } from '../errors.js';
import { inputLimits } from '../limits.js';

/** Builds the typed error a caller reports for a file it cannot take; `reason` says why, in words. */
export type FileRefusal = (reason: string, cause?: unknown) => JoyvasaError;

/** Options of {@link openRegularFile} and {@link readRegularFile}. */
export interface RegularFileOptions {
  /** Largest size accepted, in bytes; never above {@link inputLimits.fileMaxBytes} (2 GiB). */
  readonly maxBytes?: number;
  /** What the size limit is called in the refusal, e.g. `'imageMaxFileBytes'`. Default `'fileMaxBytes'`. */
  readonly limitName?: string;
  /** Makes the typed error for every refusal (missing, special file, too large, unreadable). */
  readonly refuse: FileRefusal;
  readonly signal?: AbortSignal;
}

/** An opened regular file: its handle (the caller closes it) and its size when opened. */
export interface OpenedRegularFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/** What a file that is not a regular one is, in words. */
export function describeFileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device (such as /dev/zero)';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why a file cannot be opened, in words, for the common error codes. */
export function describeOpenFailure(code: string | undefined): string {
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a loop of symbolic links';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  return `cannot open it (${code ?? 'unknown error'})`;
}

function checkInfo(info: Stats, options: RegularFileOptions): void {
  if (!info.isFile()) {
    throw options.refuse(`it is ${describeFileKind(info)}, not a regular file`);
  }
  const limit = Math.min(options.maxBytes ?? inputLimits.fileMaxBytes, inputLimits.fileMaxBytes);
  if (info.size > limit) {
    throw options.refuse(
      `it is ${info.size} bytes, above the limit of ${limit} (${options.limitName ?? 'fileMaxBytes'})`,
    );
  }
}

/**
 * Opens a regular file (or a symbolic link to one) for reading, refusing anything else before a blocking
 * open: the path is `stat`ed first, opened with `O_NONBLOCK` (so a FIFO swapped in meanwhile cannot block),
 * and the handle is `fstat`ed again, so the kind and size checked are those of the file actually read.
 * Every refusal is `options.refuse(reason)`.
 */
export async function openRegularFile(path: string, options: RegularFileOptions): Promise<OpenedRegularFile> {
  throwIfAborted(options.signal);
  let handle: FileHandle | undefined;
  try {
    checkInfo(await stat(path), options);
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat();
    checkInfo(info, options);
    return { handle, size: info.size };
  } catch (error) {
    await handle?.close();
    if (JoyvasaError.isInstance(error) || isAbortError(error)) throw error;
    throw options.refuse(describeOpenFailure((error as NodeJS.ErrnoException).code), error);
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` (see {@link openRegularFile}) in chunks, checking the
 * signal between them. A file that shrinks while read is refused; bytes it gains are not read.
 */
export async function readRegularFile(
  path: string,
  options: RegularFileOptions & { onProgress?(loaded: number, total: number): void },
): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, options);
  try {
    return await readOpened(handle, size, options);
  } finally {
    await handle.close();
  }
}

/** Reads the first `size` bytes of an opened file, chunk by chunk, failing if it ends sooner. */
export async function readOpened(
  handle: FileHandle,
  size: number,
  options: Pick<RegularFileOptions, 'refuse' | 'signal'> & {
    onProgress?(loaded: number, total: number): void;
  },
): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  const chunk = 16 << 20;
  try {
    for (let offset = 0; offset < size; ) {
      throwIfAborted(options.signal);
      const { bytesRead } = await handle.read(bytes, offset, Math.min(chunk, size - offset), offset);
      if (bytesRead === 0) throw options.refuse(`the file ended after ${offset} of ${size} bytes`);
      offset += bytesRead;
      options.onProgress?.(offset, size);
    }
  } catch (error) {
    if (JoyvasaError.isInstance(error) || isAbortError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw options.refuse(`reading it failed (${code ?? String(error)})`, error);
  }
  return bytes;
}
