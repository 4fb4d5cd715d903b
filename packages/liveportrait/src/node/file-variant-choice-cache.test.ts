import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileVariantChoiceCache, variantChoicesFile } from './file-variant-choice-cache.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'joyvasa-variant-choices-'));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

describe('createFileVariantChoiceCache', () => {
  it('remembers choices across instances (processes) in one JSON file', async () => {
    await createFileVariantChoiceCache(join(directory, 'cache')).set('a', 'padded');
    const later = createFileVariantChoiceCache(join(directory, 'cache'));
    await later.set('b', 'folded');
    expect(await later.get('a')).toBe('padded');
    expect(await later.get('b')).toBe('folded');
    expect(await later.get('c')).toBeUndefined();
    const stored = JSON.parse(await readFile(join(directory, 'cache', variantChoicesFile), 'utf8'));
    expect(stored).toEqual({ a: 'padded', b: 'folded' });
  });

  it('treats a damaged file as empty, and replaces it on the next choice', async () => {
    await writeFile(join(directory, variantChoicesFile), '{"a": "pad');
    const cache = createFileVariantChoiceCache(directory);
    expect(await cache.get('a')).toBeUndefined();
    await cache.set('a', 'official');
    expect(await cache.get('a')).toBe('official');
  });
});
