import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectEvents,
  createFixtureWorkspace,
  type FixtureWorkspace,
  frameHashes,
  openFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../../test/synthetic-media.js';

let workspace: FixtureWorkspace;
beforeAll(async () => {
  workspace = await createFixtureWorkspace();
});
afterAll(() => workspace?.cleanup());

describe('createTalkingHead on the onnx-capi backend', () => {
  it('makes the same frames as on the default backend (both on the CPU provider of one onnxruntime)', async () => {
    const input = { image: texturedImage(200, 160), audio: chirpWav(0.12) };
    const byDefault = await openFixtureHead(workspace.bundle);
    const capi = createOnnxCapiBackend();
    const onCapi = await openFixtureHead(workspace.bundle, { backend: capi });
    try {
      const expected = frameHashes(await collectEvents(byDefault.stream(input)));
      const got = frameHashes(await collectEvents(onCapi.stream(input)));
      expect(expected.length).toBeGreaterThan(0);
      expect(got).toEqual(expected);
    } finally {
      await Promise.all([byDefault.dispose(), onCapi.dispose()]);
    }
    expect(await capi.aliveObjects()).toEqual({});
  });
});
