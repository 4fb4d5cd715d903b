import type { RendererV1 } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cheapRenderer } from '../../test/cheap-renderer.js';
import {
  collectEvents,
  createFixtureWorkspace,
  type FixtureWorkspace,
  motionOf,
  openFixtureHead,
} from '../../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../../test/synthetic-media.js';
import type { NodeTalkingHead } from './create-talking-head.js';

/** A cheap renderer that counts the frames it renders. */
function countingRenderer(): RendererV1 & { frames: number } {
  const inner = cheapRenderer(64);
  const renderer = {
    ...inner,
    frames: 0,
    async render(input: Parameters<RendererV1['render']>[0]) {
      renderer.frames++;
      return inner.render(input);
    },
  };
  return renderer;
}

const renderer = countingRenderer();
const fixture = {} as { workspace: FixtureWorkspace; head: NodeTalkingHead };
beforeAll(async () => {
  fixture.workspace = await createFixtureWorkspace();
  fixture.head = await openFixtureHead(fixture.workspace.bundle, { renderer });
});
afterAll(async () => {
  await fixture.head?.dispose();
  await fixture.workspace?.cleanup();
});

const image = texturedImage(160, 160);
const options = { sampler: { ddim: 2 }, pasteBack: false, stitching: false } as const;
const audio = { pcm: chirp(1.2, 16000), sampleRate: 16000 };

describe('warmUp()', () => {
  it('runs the networks once for one render batch and leaves later runs unchanged', async () => {
    const before = motionOf(await collectEvents(fixture.head.stream({ image, audio }, options)));
    renderer.frames = 0;
    await fixture.head.warmUp(image, { ...options, renderBatch: 3 });
    expect(renderer.frames).toBe(3);
    const after = motionOf(await collectEvents(fixture.head.stream({ image, audio }, options)));
    expect(after).toEqual(before);
  });

  it('checks its options and its head as stream() does', async () => {
    await expect(fixture.head.warmUp(image, { renderBatch: 0 })).rejects.toThrow(/options\.renderBatch/);
    const head = await openFixtureHead(fixture.workspace.bundle, { renderer });
    await head.dispose();
    await expect(head.warmUp(image)).rejects.toThrow(/disposed/);
  });
});
