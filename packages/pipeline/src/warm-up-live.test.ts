import type { RendererV1 } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cheapRenderer } from '../test/cheap-renderer.js';
import {
  createFixtureWorkspace,
  type FixtureWorkspace,
  openFixtureHead,
} from '../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../test/synthetic-media.js';
import type { NodeTalkingHead } from './node/create-talking-head.js';

/** A cheap renderer that counts its frames, and how many it had rendered when the first motion came. */
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

const fixture = {} as { workspace: FixtureWorkspace; head: NodeTalkingHead; renderer: { frames: number } };
beforeAll(async () => {
  fixture.workspace = await createFixtureWorkspace();
  const renderer = countingRenderer();
  fixture.renderer = renderer;
  fixture.head = await openFixtureHead(fixture.workspace.bundle, { renderer });
});
afterAll(async () => {
  await fixture.head?.dispose();
  await fixture.workspace?.cleanup();
});

const image = texturedImage(160, 160);
const options = { sampler: { ddim: 2 }, pasteBack: false, stitching: false } as const;
const pcm = chirp(1.2, 16000);
async function* chunks() {
  for (let at = 0; at < pcm.length; at += 3200) yield pcm.slice(at, at + 3200);
}

/** Frames the renderer had made when the first window's motion came out, and frames in the video. */
async function renderedBeforeMotion(audio: Parameters<NodeTalkingHead['stream']>[0]['audio']) {
  fixture.renderer.frames = 0;
  let beforeMotion: number | undefined;
  let videoFrames = 0;
  for await (const event of fixture.head.stream({ image, audio }, options)) {
    if (event.type === 'motion-chunk' && beforeMotion === undefined) beforeMotion = fixture.renderer.frames;
    if (event.type === 'frame') videoFrames++;
  }
  return { beforeMotion, videoFrames, total: fixture.renderer.frames };
}

describe('the live warm-up', () => {
  it('renders one frame before the first window of an audio stream, and leaves it out of the video', async () => {
    const live = await renderedBeforeMotion({ stream: chunks(), sampleRate: 16000 });
    expect(live).toEqual({ beforeMotion: 1, videoFrames: 30, total: 31 });
  });

  it('is skipped with the whole audio at once', async () => {
    const offline = await renderedBeforeMotion({ pcm, sampleRate: 16000 });
    expect(offline).toEqual({ beforeMotion: 0, videoFrames: 30, total: 30 });
  });
});
