import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { inputLimits } from '../limits.js';
import { createDirectorySource } from './directory-source.js';
import { readRegularFile } from './read-regular-file.js';

const folders: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'joyvasa-regular-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

const refuse = (reason: string, cause?: unknown) => new InvalidInputError('file', reason, { cause });
const reasonOf = (path: string, maxBytes?: number) =>
  readRegularFile(path, { refuse, ...(maxBytes !== undefined && { maxBytes }) }).then(
    () => 'read',
    (error: unknown) => (InvalidInputError.isInstance(error) ? error.message : `untyped ${String(error)}`),
  );

// Each of these used to hang (a FIFO blocks in open) or read until memory ran out (/dev/zero).
describe('readRegularFile', () => {
  it('refuses a named pipe without blocking in open', async () => {
    const fifo = join(await tempDir(), 'image.png');
    execFileSync('mkfifo', [fifo]);
    expect(await reasonOf(fifo)).toContain('a named pipe (FIFO), not a regular file');
  });

  it('refuses a symbolic link to /dev/zero, and a folder', async () => {
    const dir = await tempDir();
    await symlink('/dev/zero', join(dir, 'zero.pth'));
    expect(await reasonOf(join(dir, 'zero.pth'))).toContain('a character device');
    expect(await reasonOf(dir)).toContain('it is a folder');
  });

  it('refuses a file over 2 GiB, and over the caller limit, before reading a byte', async () => {
    const dir = await tempDir();
    const big = join(dir, 'big.wav');
    await writeFile(big, '');
    await truncate(big, inputLimits.fileMaxBytes + 1);
    expect(await reasonOf(big)).toContain(`above the limit of ${inputLimits.fileMaxBytes} (fileMaxBytes)`);
    await truncate(big, 5000);
    expect(await reasonOf(big, 4096)).toContain('it is 5000 bytes, above the limit of 4096');
    expect(await reasonOf(join(dir, 'none'))).toContain('no such file');
  });

  it('reads a regular file through a link', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a'), Uint8Array.from([1, 2, 3]));
    await symlink(join(dir, 'a'), join(dir, 'b'));
    expect(Array.from(await readRegularFile(join(dir, 'b'), { refuse }))).toEqual([1, 2, 3]);
  });

  it('makes a bundle component that is a FIFO a ModelLoadError', async () => {
    const dir = await tempDir();
    execFileSync('mkfifo', [join(dir, 'stitching.onnx')]);
    await expect(createDirectorySource(dir).read('stitching.onnx')).rejects.toThrow(
      /named pipe \(FIFO\), not a regular file, where the bundle needs a file/,
    );
  });
});
