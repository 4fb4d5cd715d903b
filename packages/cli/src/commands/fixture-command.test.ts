import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { fixtureCommand } from './fixture-command.js';

let root: string;
const savedCache = process.env.XDG_CACHE_HOME;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-fixture-'));
  process.env.XDG_CACHE_HOME = join(root, 'cache');
});
afterAll(async () => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  await rm(root, { recursive: true, force: true });
});

describe('joyvasa fixture', () => {
  it('writes a bundle folder that opens, every file checked against its manifest', async () => {
    const output = captureOutput();
    const to = join(root, 'fixture-bundle');
    expect(await fixtureCommand(['--to', to], { output })).toBe(0);
    expect(output.text()).toMatch(/^wrote the fixture bundle 'joyvasa-fixture' .* to .*fixture-bundle$/);
    const manifest = JSON.parse(await readFile(join(to, 'manifest.json'), 'utf8')) as { provenance: string };
    expect(manifest.provenance).toBe('fixture');
    const bundle = await openModelBundle(createDirectorySource(to));
    expect(Object.keys(bundle.manifest.components)).toContain('audio_encoder');
  });

  it('exits 2 without --to', async () => {
    const output = captureOutput();
    expect(await fixtureCommand([], { output })).toBe(2);
    expect(output.text()).toMatch(/^error: --to <folder> is required/);
  });
});
