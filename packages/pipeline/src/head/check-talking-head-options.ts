import { type BackendV1, type EventListener, InvalidInputError, isDeviceRequest } from '@joyvasa/core';
import type { TalkingHeadOptions } from '../run/talking-head-options.js';
import type { AnimateInput } from './talking-head.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** A model source (`read`) or an opened bundle (`manifest` and `createSession`). */
function isSourceOrBundle(value: unknown): boolean {
  if (!isObject(value)) return false;
  return (
    typeof value.read === 'function' || ('manifest' in value && typeof value.createSession === 'function')
  );
}

/**
 * Checks `createTalkingHead`'s options where a plain-JavaScript caller hands them in, so a missing or
 * misspelt field is an {@link InvalidInputError} naming it rather than a `TypeError` deep inside.
 */
export function checkTalkingHeadOptions(options: unknown): asserts options is TalkingHeadOptions {
  if (!isObject(options)) {
    throw new InvalidInputError(
      'options',
      `createTalkingHead needs an options object such as { models: './bundle' }, got ${describe(options)}`,
    );
  }
  const { models, device, backend, onEvent, renderGraphs } = options;
  if (models === undefined) {
    throw new InvalidInputError(
      'options.models',
      'is missing: pass a bundle folder (Node), an http(s) URL, a model source or an opened bundle',
    );
  }
  if (typeof models !== 'string' && !(models instanceof URL) && !isSourceOrBundle(models)) {
    throw new InvalidInputError(
      'options.models',
      `must be a folder path, a URL, a model source or an opened bundle, got ${describe(models)}`,
    );
  }
  if (device !== undefined && !isDeviceRequest(device)) {
    throw new InvalidInputError(
      'options.device',
      `must be 'auto', 'cpu', 'cuda', 'webgpu' or 'wasm', got ${describe(device)}`,
    );
  }
  if (backend !== undefined && !(isObject(backend) && typeof backend.createSession === 'function')) {
    throw new InvalidInputError('options.backend', `must be a BackendV1, got ${describe(backend)}`);
  }
  if (renderGraphs !== undefined && renderGraphs !== 'auto' && renderGraphs !== 'split') {
    throw new InvalidInputError(
      'options.renderGraphs',
      `must be 'auto' or 'split', got ${describe(renderGraphs)}`,
    );
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new InvalidInputError('options.onEvent', `must be a function, got ${describe(onEvent)}`);
  }
}

/** Checks one animation's `{ image, audio }` before anything is decoded. */
export function checkAnimateInput(input: unknown): asserts input is AnimateInput<unknown, unknown> {
  if (!isObject(input)) {
    throw new InvalidInputError(
      'input',
      `needs { image, audio } (a portrait and a speech clip), got ${describe(input)}`,
    );
  }
  for (const field of ['image', 'audio'] as const) {
    if (input[field] === undefined || input[field] === null) {
      throw new InvalidInputError(`input.${field}`, `is missing: pass { image, audio }`);
    }
  }
}

/**
 * Resolves an explicit device once, when the talking head is created, so `device: 'cuda'` without CUDA
 * fails there with an `UnsupportedDeviceError` and not at the first `generate()`. `'auto'` is left to the
 * first model load, which reports any fallback.
 */
export async function checkExplicitDevice(
  backend: BackendV1,
  options: Pick<TalkingHeadOptions, 'device' | 'onEvent'>,
): Promise<void> {
  const device = options.device ?? 'auto';
  if (device === 'auto') return;
  const onEvent: EventListener | undefined = options.onEvent;
  await backend.resolveDevice(device, onEvent);
}
