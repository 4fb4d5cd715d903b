/**
 * The bundle a benchmark runs on: `fixture` (the small synthetic bundle of the tests), `formula` (the
 * official-size formula bundle in the cache, about 1.7 GiB) or a folder. A folder without a manifest gets
 * an official-size bundle with random-valued weights, without the animal copies (they time the same), which
 * is the quickest official-size bundle to build on a bare GPU machine; `rendererVariants` adds those forms of
 * the renderer to it (`fixture-forms`: the fixture bundle with them).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ModelBundle, openModelBundle } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import type { RendererVariant } from '@joyvasa/model-builder';
import { writeBundle } from '@joyvasa/model-builder/node';
import { planSyntheticBundle, type SyntheticBundleKind } from '@joyvasa/model-builder/synthetic';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';

/** Resolves `fixture`, `formula` or a folder to a bundle folder, building the folder's bundle if missing. */
export async function ensureBenchBundle(
  bundle: string,
  log: (line: string) => void,
  dtype: 'fp32' | 'fp16' = 'fp32',
  rendererVariants: readonly RendererVariant[] = [],
): Promise<string> {
  if (bundle === 'fixture' || bundle === 'formula') return (await ensureSyntheticBundle(bundle)).directory;
  if (bundle === 'fixture-forms') {
    return (await ensureSyntheticBundle('fixture', { rendererVariants })).directory;
  }
  if (existsSync(join(bundle, 'manifest.json'))) return bundle;
  const start = performance.now();
  const plan = planSyntheticBundle('formula', 'bench', 'random', undefined, rendererVariants);
  const components = Object.fromEntries(
    Object.entries(plan.components).filter(([name]) => !name.startsWith('animal_')),
  );
  await writeBundle(bundle, { ...plan, components, dtype });
  log(
    `built the official-size ${dtype} bundle (random weights) in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  return bundle;
}

/** {@link ensureBenchBundle}, then the bundle opened from its folder (its files are not copied to a cache). */
export async function openBenchBundle(
  bundle: string,
  log: (line: string) => void,
  dtype: 'fp32' | 'fp16' = 'fp32',
): Promise<{ readonly directory: string; readonly bundle: ModelBundle }> {
  const directory = await ensureBenchBundle(bundle, log, dtype);
  return { directory, bundle: await openModelBundle(createDirectorySource(directory)) };
}

/** Where {@link openWrittenBenchBundle} writes a kind's bundle by default: `<tmpdir>/joyvasa-bench-<kind>`. */
export function benchBundleFolder(kind: SyntheticBundleKind): string {
  return join(tmpdir(), `joyvasa-bench-${kind}`);
}

/**
 * The synthetic bundle of `kind` (formula weights) written into `directory` unless a complete one (with
 * `manifest.json`) is already there, then opened: the bundle of the CPU benchmarks, which delete the folder
 * at the end unless `--keep`.
 */
export async function openWrittenBenchBundle(
  kind: SyntheticBundleKind,
  directory: string,
  log: (line: string) => void,
): Promise<{ readonly directory: string; readonly bundle: ModelBundle }> {
  if (!existsSync(join(directory, 'manifest.json'))) {
    log(`writing the ${kind} bundle to ${directory} (once; reused by later runs) …`);
    const start = performance.now();
    await writeBundle(directory, planSyntheticBundle(kind), (event) => {
      if (event.type === 'progress') process.stdout.write(`  ${event.completed}/${event.total}\r`);
    });
    log(`  written in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
  return { directory, bundle: await openModelBundle(createDirectorySource(directory)) };
}
