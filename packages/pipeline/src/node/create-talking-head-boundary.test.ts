import * as core from '@joyvasa/core';
import { type BackendV1, UnsupportedDeviceError } from '@joyvasa/core';
import { rejectionOf } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { useFixtureHead } from '../../test/fixture-talking-head.js';
import { chirpWav } from '../../test/synthetic-media.js';
import * as pipeline from './index.js';
import { createTalkingHead } from './index.js';

const fixture = useFixtureHead();

/** What a plain-JavaScript caller can pass, whatever the types say. */
const untyped = createTalkingHead as (options?: unknown) => ReturnType<typeof createTalkingHead>;

async function invalidInput(work: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(work);
  expect(pipeline.InvalidInputError.isInstance(error), String(error)).toBe(true);
  return (error as core.InvalidInputError).input;
}

/** A backend with only a CPU that records every session it is asked for. */
function cpuOnlyBackend(): BackendV1 & { sessions: number } {
  const backend = {
    specificationVersion: 'v1' as const,
    name: 'cpu-only',
    sessions: 0,
    supportedDevices: async () => ['cpu' as const],
    async resolveDevice(request: string) {
      if (request === 'auto' || request === 'cpu') return 'cpu' as const;
      throw new UnsupportedDeviceError(request, ['cpu']);
    },
    async createSession(): Promise<never> {
      backend.sessions++;
      throw new Error('no session in this test');
    },
  };
  return backend;
}

describe('createTalkingHead at the boundary (plain JavaScript callers)', () => {
  it('names the missing options object and the missing models field', async () => {
    expect(await invalidInput(untyped())).toBe('options');
    expect((await rejectionOf(untyped())).message).toMatch(/needs an options object .*, got nothing$/);
    expect(await invalidInput(untyped({}))).toBe('options.models');
    expect(await invalidInput(untyped({ models: 42 }))).toBe('options.models');
    expect(await invalidInput(untyped({ models: fixture.workspace.bundle, device: 'gpu' }))).toBe(
      'options.device',
    );
    expect(await invalidInput(untyped({ models: fixture.workspace.bundle, onEvent: 'log' }))).toBe(
      'options.onEvent',
    );
    expect(await invalidInput(untyped({ models: fixture.workspace.bundle, renderGraphs: 'two' }))).toBe(
      'options.renderGraphs',
    );
  });

  it('names a missing image or audio in generate() and stream()', async () => {
    const generate = fixture.head.generate as (input?: unknown) => Promise<unknown>;
    expect(await invalidInput(generate())).toBe('input');
    expect(await invalidInput(generate({ image: 'portrait.png' }))).toBe('input.audio');
    const stream = fixture.head.stream as (input?: unknown) => AsyncGenerator<unknown>;
    expect(await invalidInput(stream({ audio: chirpWav(0.2) }).next())).toBe('input.image');
  });

  it('rejects an explicit device the backend lacks when the head is created, before any model loads', async () => {
    const backend = cpuOnlyBackend();
    const error = await rejectionOf(
      createTalkingHead({ models: fixture.workspace.bundle, backend, device: 'cuda' }),
    );
    expect(pipeline.UnsupportedDeviceError.isInstance(error), String(error)).toBe(true);
    expect(backend.sessions).toBe(0);
  });

  it('exports the error classes a caller catches, the very classes of @joyvasa/core', () => {
    const pairs = [
      [pipeline.JoyvasaError, core.JoyvasaError],
      [pipeline.InvalidInputError, core.InvalidInputError],
      [pipeline.NoFaceFoundError, core.NoFaceFoundError],
      [pipeline.ModelLoadError, core.ModelLoadError],
      [pipeline.IntegrityError, core.IntegrityError],
      [pipeline.ManifestError, core.ManifestError],
      [pipeline.UnsupportedDeviceError, core.UnsupportedDeviceError],
      [pipeline.SessionRunError, core.SessionRunError],
      [pipeline.MissingDependencyError, core.MissingDependencyError],
      [pipeline.isAbortError, core.isAbortError],
    ] as const;
    for (const [exported, original] of pairs) expect(exported, original.name).toBe(original);
  });
});
