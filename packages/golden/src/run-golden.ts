import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendV1, TensorLike } from '@joyvasa/core';
import { readNpy } from '@joyvasa/model-builder/checkpoint';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';
import type { GoldenCase, GoldenComparison, GoldenContext, GoldenManifest } from './golden-case.js';

/** Options of {@link runGolden}. */
export interface RunGoldenOptions {
  /** The reference backend; sessions run on its `cpu` device. */
  readonly backend: BackendV1;
  /** The cases to run (the CLI passes its registry). */
  readonly cases: readonly GoldenCase[];
  /** Only cases covering a module whose name contains one of these strings. */
  readonly only?: readonly string[];
  /** Called as each comparison is made. */
  readonly onComparison?: (comparison: GoldenComparison) => void;
}

/** What a golden run found. */
export interface GoldenReport {
  readonly comparisons: readonly GoldenComparison[];
  /** Modules of the folder's manifests that no case covers. */
  readonly uncovered: readonly string[];
  readonly passed: boolean;
}

/**
 * Rebuilds every covered module with the folder's formula weights, runs the folder's inputs and compares
 * each output with the stored one. Works for any seed: nothing of the folder is stored in the project.
 */
export async function runGolden(folder: string, options: RunGoldenOptions): Promise<GoldenReport> {
  const jsonCache = new Map<string, Promise<unknown>>();
  const readJson = (path: string) => {
    let cached = jsonCache.get(path);
    if (!cached) {
      cached = readFile(join(folder, path), 'utf8').then((text) => JSON.parse(text) as unknown);
      jsonCache.set(path, cached);
    }
    return cached;
  };
  const topManifest = (await readJson('manifest.json')) as GoldenManifest;
  const readArray = async (path: string): Promise<TensorLike> =>
    readNpy(await readFile(join(folder, path)), path);

  const context: GoldenContext = {
    seed: topManifest.seed,
    readJson,
    readArray,
    readBytes: async (path) => new Uint8Array(await readFile(join(folder, path))),
    async weights(manifestPath, module) {
      const manifest = (await readJson(manifestPath)) as GoldenManifest;
      const entries = manifest.modules[module]?.state_dict ?? [];
      const overrides = new Map<string, TensorLike>();
      for (const entry of entries) {
        if (entry.source !== 'formula' && entry.source !== 'module') {
          overrides.set(entry.key, await readArray(entry.source));
        }
      }
      return createFormulaSource(manifest.seed, overrides);
    },
    async run(model, feeds, name) {
      const session = await options.backend.createSession(model, { device: 'cpu', name });
      try {
        return await session.run(feeds);
      } finally {
        await session.dispose();
      }
    },
  };

  const selected = options.cases.filter(
    (testCase) =>
      !options.only || testCase.modules.some((module) => options.only!.some((part) => module.includes(part))),
  );
  const comparisons: GoldenComparison[] = [];
  for (const testCase of selected) {
    let results: GoldenComparison[];
    try {
      results = await testCase.check(context);
    } catch (error) {
      results = testCase.modules.map((module) => ({
        module,
        output: '*',
        maxAbsError: Number.POSITIVE_INFINITY,
        tolerance: 0,
        passed: false,
        note: `the case failed to run: ${(error as Error).message}`,
      }));
    }
    for (const result of results) {
      comparisons.push(result);
      options.onComparison?.(result);
    }
  }

  const manifestPaths = ['manifest.json', 'audio/manifest.json'];
  const covered = new Set(
    options.cases.flatMap((testCase) => testCase.modules.map((m) => `${testCase.manifestPath}#${m}`)),
  );
  const uncovered: string[] = [];
  for (const path of manifestPaths) {
    const manifest = (await readJson(path).catch(() => undefined)) as GoldenManifest | undefined;
    for (const module of Object.keys(manifest?.modules ?? {})) {
      if (!covered.has(`${path}#${module}`))
        uncovered.push(path === 'manifest.json' ? module : `${path}:${module}`);
    }
  }
  return { comparisons, uncovered, passed: comparisons.length > 0 && comparisons.every((c) => c.passed) };
}
