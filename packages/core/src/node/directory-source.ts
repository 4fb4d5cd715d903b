import { resolve, sep } from 'node:path';
import { ModelLoadError, throwIfAborted } from '../errors.js';
import type { ModelSourceV1 } from '../model-source.js';
import { readRegularFile } from './read-regular-file.js';

/** How to fix a bundle file that cannot be read, after the reason. */
function bundleHint(reason: string): string {
  if (reason === 'no such file') return 'the file does not exist (is the bundle complete?)';
  if (reason === 'permission denied') return 'permission denied: make the bundle readable by this user';
  if (reason.startsWith('it is a folder')) {
    return 'it is a folder, where the bundle needs a file; convert or fetch it again';
  }
  if (reason.startsWith('it is ')) {
    return `${reason}, where the bundle needs a file; the bundle is damaged: convert or fetch it again`;
  }
  return reason;
}

/**
 * A source reading a bundle from a local folder: regular files only, at most 2 GiB each
 * (`inputLimits.fileMaxBytes`). Every failure is a {@link ModelLoadError}.
 */
export function createDirectorySource(directory: string): ModelSourceV1 {
  const root = resolve(directory);
  return {
    specificationVersion: 'v1',
    location: root,
    async read(path, options = {}) {
      const full = resolve(root, path);
      if (!full.startsWith(root + sep)) throw new ModelLoadError(path, 'the path leaves the bundle folder');
      throwIfAborted(options.signal);
      return readRegularFile(full, {
        refuse: (reason, cause) => new ModelLoadError(full, bundleHint(reason), { cause }),
        ...(options.signal && { signal: options.signal }),
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
    },
  };
}
