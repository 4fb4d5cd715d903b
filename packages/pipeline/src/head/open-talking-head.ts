import type { BackendV1, ModelSourceV1, ModelStore } from '@joyvasa/core';
import type { TalkingHeadOptions } from '../run/talking-head-options.js';
import { checkExplicitDevice, checkTalkingHeadOptions } from './check-talking-head-options.js';
import { createTalkingHeadWith } from './create-talking-head-with.js';
import { openModels } from './open-models.js';
import type { GenerateOptions, GeneratingTalkingHead, PipelinePlatform } from './talking-head.js';

/** What a platform entry adds to its {@link PipelinePlatform}: its runtime and where bundles come from. */
export interface PlatformEntry<ImageInput, AudioInput, Options extends GenerateOptions>
  extends PipelinePlatform<ImageInput, AudioInput, Options> {
  /** The backend when the caller gave none (onnxruntime-node, onnxruntime-web). */
  defaultBackend(): BackendV1 | Promise<BackendV1>;
  /** The source of a bundle given by location (a folder path in Node, a URL anywhere). */
  locate(location: string | URL): ModelSourceV1;
  /** The cache for `models` when the caller gave no store: one for downloads, none for local bundles. */
  defaultStore(models: TalkingHeadOptions['models']): ModelStore | undefined;
}

/**
 * `createTalkingHead` of every platform: checks the options, picks the backend (an explicit device is
 * resolved now, so a missing CUDA fails here), opens the bundle and assembles the talking head.
 */
export async function openTalkingHead<ImageInput, AudioInput, Options extends GenerateOptions>(
  options: TalkingHeadOptions,
  entry: PlatformEntry<ImageInput, AudioInput, Options>,
): Promise<GeneratingTalkingHead<ImageInput, AudioInput, Options>> {
  checkTalkingHeadOptions(options);
  const backend = options.backend ?? (await entry.defaultBackend());
  await checkExplicitDevice(backend, options);
  const store = options.store ?? entry.defaultStore(options.models);
  const bundle = await openModels(options.models, (location) => entry.locate(location), {
    ...(store ? { store } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return createTalkingHeadWith(bundle, backend, entry, options);
}
