import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { isAbortError, JoyvasaError, ModelLoadError, throwIfAborted } from '../errors.js';
import type { ModelSourceV1 } from '../model-source.js';

/** Why a bundle file could not be opened, in words, for the common error codes. */
function openFailure(code: string | undefined): string {
  if (code === 'ENOENT') return 'the file does not exist (is the bundle complete?)';
  if (code === 'EACCES' || code === 'EPERM')
    return 'permission denied: make the bundle readable by this user';
  if (code === 'EISDIR') return 'it is a folder, where the bundle needs a file; convert or fetch it again';
  return `cannot open it (${code})`;
}

/** A source reading a bundle from a local folder. Every failure is a {@link ModelLoadError}. */
export function createDirectorySource(directory: string): ModelSourceV1 {
  const root = resolve(directory);
  return {
    specificationVersion: 'v1',
    location: root,
    async read(path, options = {}) {
      const full = resolve(root, path);
      if (!full.startsWith(root + sep)) throw new ModelLoadError(path, 'the path leaves the bundle folder');
      throwIfAborted(options.signal);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(full, 'r');
      } catch (error) {
        throw new ModelLoadError(full, openFailure((error as NodeJS.ErrnoException).code), { cause: error });
      }
      try {
        const info = await handle.stat();
        if (!info.isFile()) {
          throw new ModelLoadError(
            full,
            `it is ${info.isDirectory() ? 'a folder' : 'not a regular file'}, where the bundle needs a file; ` +
              'the bundle is damaged: convert or fetch it again',
          );
        }
        const { size } = info;
        const bytes = new Uint8Array(size);
        const chunk = 16 << 20;
        for (let offset = 0; offset < size; ) {
          throwIfAborted(options.signal);
          const { bytesRead } = await handle.read(bytes, offset, Math.min(chunk, size - offset), offset);
          if (bytesRead === 0)
            throw new ModelLoadError(full, `the file ended after ${offset} of ${size} bytes`);
          offset += bytesRead;
          options.onProgress?.(offset, size);
        }
        return bytes;
      } catch (error) {
        if (JoyvasaError.isInstance(error) || isAbortError(error)) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new ModelLoadError(full, `reading it failed (${code ?? String(error)})`, { cause: error });
      } finally {
        await handle.close();
      }
    },
  };
}
