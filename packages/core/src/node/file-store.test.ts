import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors.js';
import { createDirectorySource } from './directory-source.js';
import { createFileStore } from './file-store.js';

const key = 'cd'.repeat(32);
const folders: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'joyvasa-store-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('createFileStore', () => {
  it('stores, returns and deletes files by sha256, leaving no partial files', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, Uint8Array.from([1, 2, 3]));
    expect(Array.from((await store.get(key))!)).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual([key]);
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
  });

  it('refuses keys that are not hashes', async () => {
    const store = createFileStore(await tempDir());
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a sha256 key/);
  });
});

describe('createDirectorySource', () => {
  it('reads files and refuses paths that leave the folder', async () => {
    const dir = await tempDir();
    const store = createFileStore(dir);
    await store.put(key, Uint8Array.from([9, 8]));
    const source = createDirectorySource(dir);
    expect(Array.from(await source.read(key))).toEqual([9, 8]);
    await expect(source.read('../x')).rejects.toThrow(/leaves the bundle folder/);
    await expect(source.read('missing.onnx')).rejects.toThrow(/does not exist/);
  });

  it('names a folder where a bundle file should be, as a ModelLoadError', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'stitching.onnx'));
    await mkdir(join(dir, 'manifest.json'));
    const source = createDirectorySource(dir);
    for (const name of ['stitching.onnx', 'manifest.json']) {
      const error = await source.read(name).catch((e: unknown) => e);
      expect(ModelLoadError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(
        `${join(dir, name)}: it is a folder, where the bundle needs a file`,
      );
    }
  });
});
