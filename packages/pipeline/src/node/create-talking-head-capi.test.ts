import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
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
});
