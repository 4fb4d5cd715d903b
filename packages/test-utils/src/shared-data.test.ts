import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { failOnCi, requireSharedData, sharedDirectory } from './shared-data.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'joyvasa-shared-'));
mkdirSync(join(folder, 'data'));
writeFileSync(join(folder, 'data', 'present.txt'), 'x');

afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('sharedDirectory', () => {
  it('is ../shared beside the repository unless JOYVASA_SHARED_DIR says otherwise', () => {
    vi.stubEnv('JOYVASA_SHARED_DIR', undefined);
    expect(sharedDirectory()).toBe(resolve(repoRoot, '../shared'));
    vi.stubEnv('JOYVASA_SHARED_DIR', folder);
    expect(sharedDirectory()).toBe(folder);
  });
});

describe('requireSharedData', () => {
  it('is true when every file is there', () => {
    vi.stubEnv('JOYVASA_SHARED_DIR', folder);
    vi.stubEnv('CI', 'true');
    expect(requireSharedData('data/present.txt', 'data')).toBe(true);
  });

  it('skips on a developer machine and fails on CI when a file is missing, naming it', () => {
    vi.stubEnv('JOYVASA_SHARED_DIR', folder);
    vi.stubEnv('CI', undefined);
    expect(requireSharedData('data/present.txt', 'data/missing.wav')).toBe(false);
    vi.stubEnv('CI', 'true');
    expect(() => requireSharedData('data/present.txt', 'data/missing.wav')).toThrow(
      `no data/missing.wav under ${folder}; set JOYVASA_SHARED_DIR`,
    );
  });
});

describe('failOnCi', () => {
  it('throws on CI only, keeping the cause', () => {
    vi.stubEnv('CI', 'false');
    expect(failOnCi('no browser')).toBeUndefined();
    vi.stubEnv('CI', 'true');
    const cause = new Error('spawn ENOENT');
    expect(() => failOnCi('no browser', cause)).toThrow(
      expect.objectContaining({ message: 'no browser', cause }),
    );
  });
});
