import {
  type EventListener,
  type ModelBundle,
  type ModelSourceV1,
  type ModelStore,
  openModelBundle,
} from '@joyvasa/core';

function isBundle(value: unknown): value is ModelBundle {
  return typeof value === 'object' && value !== null && 'manifest' in value && 'createSession' in value;
}

/**
 * Opens the `models` option: an opened bundle as is, a source through its manifest, or a location through
 * the platform's `locate` (a folder path in Node, a URL anywhere). Reports synthetic weights loudly.
 */
export async function openModels(
  models: string | URL | ModelSourceV1 | ModelBundle,
  locate: (location: string | URL) => ModelSourceV1,
  options: { readonly store?: ModelStore; readonly onEvent?: EventListener; readonly signal?: AbortSignal },
): Promise<ModelBundle> {
  const bundle = isBundle(models)
    ? models
    : await openModelBundle(
        typeof models === 'string' || models instanceof URL ? locate(models) : models,
        options,
      );
  const { provenance, name } = bundle.manifest;
  if (provenance !== 'converted') {
    options.onEvent?.({
      type: 'notice',
      code: 'synthetic-weights',
      message: `the bundle '${name}' has ${provenance} weights: its output is not a face animation (convert the official checkpoints for that)`,
    });
  }
  return bundle;
}
