/**
 * The bundle a benchmark runs on: `fixture` (the small synthetic bundle of the tests), `formula` (the
 * official-size formula bundle in the cache, about 1.7 GiB) or a folder. A folder without a manifest gets
 * an official-size bundle with random-valued weights, without the animal copies (they time the same), which
 * is the quickest official-size bundle to build on a bare GPU machine; `rendererVariants` adds those forms of
 * the renderer to it (`fixture-forms`: the fixture bundle with them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RendererVariant } from '@joyvasa/model-builder';
import { writeBundle } from '@joyvasa/model-builder/node';
import { planSyntheticBundle } from '@joyvasa/model-builder/synthetic';
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
