import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EventListener, ModelLoadError, type ModelStore } from '@joyvasa/core';
import { defaultCacheDirectory } from '@joyvasa/core/node';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';

/** What `--models` asked for. */
export type ModelsChoice =
  | {
      readonly kind: 'synthetic';
      readonly name: 'fixture' | 'formula';
      /** With the licence-clean locators instead of the stand-in detectors (the crop finds the real face). */
      readonly locators?: boolean;
    }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'folder'; readonly folder: string; readonly isDefault: boolean };

/** The bundle `joyvasa animate` uses without `--models`: where the README has `joyvasa convert` write it. */
export function defaultBundleFolder(): string {
  return join(defaultCacheDirectory(), 'bundles', 'joyvasa');
}

/** `--models` (or its absence) as a choice; no file is touched. */
export function parseModelsOption(value: string | undefined): ModelsChoice {
  if (value === undefined) return { kind: 'folder', folder: defaultBundleFolder(), isDefault: true };
  if (value === 'fixture' || value === 'formula') return { kind: 'synthetic', name: value };
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  return { kind: 'folder', folder: resolve(value), isDefault: false };
}

/**
 * Why `folder` is not a usable bundle folder, or undefined when it holds a manifest (written last, so it
 * marks a complete bundle). A folder that cannot be read is said to be unreadable, not to lack a manifest.
 */
export function bundleFolderProblem(folder: string): string | undefined {
  const manifest = join(folder, 'manifest.json');
  try {
    statSync(manifest);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      return `${folder} cannot be read (permission denied); make it readable by this user`;
    }
    if (code === 'ENOTDIR') return `${folder} is a file, not a bundle folder`;
    if (code !== 'ENOENT') return `${manifest} cannot be read (${code})`;
    return `there is no model bundle in ${folder} (no manifest.json)`;
  }
}

/** True when `folder` holds a bundle (see {@link bundleFolderProblem}). */
export function isBundleFolder(folder: string): boolean {
  return bundleFolderProblem(folder) === undefined;
}

/** What `createTalkingHead` gets for the choice. */
export interface OpenedModels {
  /** A bundle folder or URL. */
  readonly models: string;
  /** For folders: a store that keeps nothing, so the bundle is not copied into the cache a second time. */
  readonly store?: ModelStore;
  /** Set for `fixture` and `formula`: the weights are formulas, the video is not a face animation. */
  readonly synthetic?: 'fixture' | 'formula';
}

const keepNothing: ModelStore = {
  get: async () => undefined,
  put: async () => {},
  delete: async () => {},
};

/**
 * Makes the choice usable: writes a synthetic bundle into the cache the first time (then reuses it),
 * checks a folder is a bundle. A URL is fetched (and cached) by the pipeline itself.
 *
 * @throws ModelLoadError when the folder holds no bundle, with the commands that make one.
 */
export async function openModelsChoice(choice: ModelsChoice, onEvent?: EventListener): Promise<OpenedModels> {
  if (choice.kind === 'synthetic') {
    const { directory } = await ensureSyntheticBundle(choice.name, {
      ...(onEvent ? { onEvent } : {}),
      ...(choice.locators ? { locators: true } : {}),
    });
    return { models: directory, store: keepNothing, synthetic: choice.name };
  }
  if (choice.kind === 'url') return { models: choice.url };
  const problem = bundleFolderProblem(choice.folder);
  if (problem) {
    const where = choice.isDefault ? `the default bundle folder ${choice.folder}` : choice.folder;
    const reason = problem.startsWith('there is no model bundle')
      ? 'there is no model bundle there (no manifest.json)'
      : problem;
    throw new ModelLoadError(
      where,
      `${reason}. Make one with ` +
        `'joyvasa fetch --to weights' then 'joyvasa convert --from weights --to ${defaultBundleFolder()}', ` +
        "or try the pipeline with '--models fixture' (synthetic weights: not a face animation)",
    );
  }
  return { models: choice.folder, store: keepNothing };
}
