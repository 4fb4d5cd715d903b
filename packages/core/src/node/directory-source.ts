import { open } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ModelLoadError, throwIfAborted } from '../errors.js';
import type { ModelSourceV1 } from '../model-source.js';

/** A source reading a bundle from a local folder. */
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
        const code = (error as NodeJS.ErrnoException).code;
        throw new ModelLoadError(
          full,
          code === 'ENOENT'
            ? 'the file does not exist (is the bundle complete?)'
            : `cannot open it (${code})`,
          { cause: error },
        );
      }
      try {
        const { size } = await handle.stat();
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
      } finally {
        await handle.close();
      }
    },
  };
}
