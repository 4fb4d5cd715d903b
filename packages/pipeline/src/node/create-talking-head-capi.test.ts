import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import type { BackendV1 } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import {
  collectEvents,
  frameHashes,
  openFixtureHead,
  useFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../../test/synthetic-media.js';

const fixture = useFixtureHead();

describe('createTalkingHead on the onnx-capi backend', () => {
  it('makes the same frames as on the default backend (both on the CPU provider of one onnxruntime)', async () => {
    const input = { image: texturedImage(200, 160), audio: chirpWav(0.12) };
    const fast = { sampler: { ddim: 2 } };
    const capi = createOnnxCapiBackend();
    const onCapi = await openFixtureHead(fixture.workspace.bundle, { backend: capi });
    try {
      const expected = frameHashes(await collectEvents(fixture.head.stream(input, fast)));
      const got = frameHashes(await collectEvents(onCapi.stream(input, fast)));
      expect(expected.length).toBeGreaterThan(0);
      expect(got).toEqual(expected);
    } finally {
      await onCapi.dispose();
    }
    expect(await capi.aliveObjects()).toEqual({});
  });

  it("renders W then G with W's output handed over on the device when asked (renderGraphs: 'split')", async () => {
    const input = { image: texturedImage(200, 160), audio: chirpWav(0.12) };
    const fast = { sampler: { ddim: 2 } };
    const capi = createOnnxCapiBackend();
    const opened: string[] = [];
    const recording: BackendV1 = {
      ...capi,
      createSession: (bytes, options) => {
        opened.push(options?.name ?? '');
        return capi.createSession(bytes, options);
      },
    };
    const split = { renderGraphs: 'split' } as const;
    const onHost = await openFixtureHead(fixture.workspace.bundle, split);
    const onDevice = await openFixtureHead(fixture.workspace.bundle, { ...split, backend: recording });
    try {
      const expected = frameHashes(await collectEvents(onHost.stream(input, fast)));
      const got = frameHashes(await collectEvents(onDevice.stream(input, fast)));
      expect(expected.length).toBeGreaterThan(0);
      expect(got).toEqual(expected);
      expect(opened).toContain('warping_module');
      expect(opened).not.toContain('renderer');
    } finally {
      await Promise.all([onHost.dispose(), onDevice.dispose()]);
    }
    expect(await capi.aliveObjects()).toEqual({});
  });
});
