import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from '../errors.js';
import type { ModelStore } from '../model-store.js';
import { readRegularFile } from './read-regular-file.js';

/** The default cache folder: `$XDG_CACHE_HOME/joyvasa` or `~/.cache/joyvasa`. */
export function defaultCacheDirectory(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'joyvasa');
}

/**
 * A store of files in a folder, one file per sha256. Writes go to a temporary name first and are renamed,
 * so a crash never leaves a half-written file under a valid key.
 */
export function createFileStore(directory = defaultCacheDirectory()): ModelStore {
  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError(`not a sha256 key: ${sha256}`);
    return join(directory, sha256);
  };
  return {
    async get(sha256) {
      const path = pathOf(sha256);
      try {
        return await readRegularFile(path, {
          refuse: (reason, cause) => new ModelLoadError(path, `the cached file: ${reason}`, { cause }),
        });
      } catch (error) {
        if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async put(sha256, bytes) {
      await mkdir(directory, { recursive: true });
      const temporary = `${pathOf(sha256)}.${process.pid}.partial`;
      await writeFile(temporary, bytes);
      await rename(temporary, pathOf(sha256));
    },
    async delete(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
  };
}
