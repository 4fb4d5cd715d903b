import type { MotionFrame, RgbImage } from '@joyvasa/core';
import type { MotionChunk } from '@joyvasa/motion-diffusion';
import { describe, expect, it } from 'vitest';
import { fixedFrameBudget } from './frame-budget.js';
import { renderMotion, stageQueueCapacity } from './render-motion.js';

const fps = 25;
const framesPerChunk = 4;

/** Lets every task that can run, run (a few turns of the event loop; no clock involved). */
async function settle(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function motionFrame(index: number): MotionFrame {
  return { exp: new Float32Array(63), scale: index, t: new Float32Array(3), pitch: 0, yaw: 0, roll: 0 };
}

/** A sampler of `count` chunks that records how many it has made and whether it was closed. */
function countingSampler(count: number) {
  const state = { sampled: 0, closed: false };
  async function* chunks(): AsyncGenerator<MotionChunk> {
    try {
      for (let index = 0; index < count; index++) {
        await settle(1);
        const startFrame = index * framesPerChunk;
        const frames = Array.from({ length: framesPerChunk }, (_, i) => motionFrame(startFrame + i));
        state.sampled++;
        yield { index, windowCount: count, startFrame, frames } as unknown as MotionChunk;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, chunks: chunks() };
}

/** A renderer that records the frames it has rendered (by the `scale` each frame carries). */
function countingRenderer() {
  const rendered: number[] = [];
  const render = async (frames: readonly MotionFrame[]): Promise<RgbImage[]> => {
    await settle(1);
    rendered.push(...frames.map((frame) => frame.scale));
    return frames.map((frame) => ({
      width: 1,
      height: 1,
      channels: 3,
      data: Uint8Array.of(frame.scale, 0, 0),
    }));
  };
  return { rendered, render };
}

describe('renderMotion', () => {
  it('gives every frame in order, with the events of one stage after the other', async () => {
    const { chunks } = countingSampler(3);
    const { render } = countingRenderer();
    const budget = fixedFrameBudget(10 / fps, fps);
    const types: string[] = [];
    const frames: number[] = [];
    const run = renderMotion(chunks, budget, fps, 3, render);
    let next = await run.next();
    for (; !next.done; next = await run.next()) {
      types.push(next.value.type === 'progress' ? `progress:${next.value.stage}` : next.value.type);
      if (next.value.type === 'frame') frames.push(next.value.image.data[0]!);
    }
    expect(next.value).toBe(10);
    expect(frames).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(types.slice(0, 4)).toEqual(['motion-chunk', 'progress:sample-motion', 'frame', 'progress:render']);
    expect(types.filter((type) => type === 'motion-chunk')).toHaveLength(3);
    expect(types.indexOf('motion-chunk', 1)).toBe(2 + 2 * framesPerChunk);
  });

  it('samples the next window while the renderer works on this one', async () => {
    const { state, chunks } = countingSampler(3);
    let sampledDuringFirstRender = 0;
    const render = async (frames: readonly MotionFrame[]): Promise<RgbImage[]> => {
      if (frames[0]!.scale === 0) {
        await settle();
        sampledDuringFirstRender = state.sampled;
      }
      return frames.map(() => ({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }));
    };
    for await (const _ of renderMotion(chunks, fixedFrameBudget(12 / fps, fps), fps, 4, render)) {
      // Only the order of work matters here.
    }
    expect(sampledDuringFirstRender).toBeGreaterThanOrEqual(2);
  });

  it('keeps sampling and rendering within their bounds of a slow consumer', async () => {
    const { state, chunks } = countingSampler(8);
    const { rendered, render } = countingRenderer();
    const batch = 2;
    let consumedFrames = 0;
    let worstAhead = 0;
    for await (const event of renderMotion(chunks, fixedFrameBudget(32 / fps, fps), fps, batch, render)) {
      if (event.type !== 'frame') continue;
      consumedFrames++;
      // A slow consumer: the stages run as far as the queues let them.
      await settle();
      worstAhead = Math.max(worstAhead, rendered.length - consumedFrames);
      // The renderer has pulled the chunks it rendered from, and perhaps the next one (its events waiting);
      // beyond those, the sampler holds the queue's capacity and one chunk in its own hands, no more.
      const pulledByRenderer = Math.ceil(rendered.length / framesPerChunk) + 1;
      expect(state.sampled - pulledByRenderer).toBeLessThanOrEqual(stageQueueCapacity.motionChunks + 1);
    }
    // The batch the consumer is in, one waiting in the queue, one in the renderer's hands.
    expect(worstAhead).toBeLessThanOrEqual((stageQueueCapacity.renderedBatches + 1) * batch);
    expect(worstAhead).toBeGreaterThan(0);
    expect(consumedFrames).toBe(32);
  });

  it('stops the sampler and calls stop() when the consumer breaks', async () => {
    const { state, chunks } = countingSampler(100);
    const { render } = countingRenderer();
    let stopped = 0;
    const stop = () => stopped++;
    for await (const event of renderMotion(chunks, fixedFrameBudget(400 / fps, fps), fps, 1, render, stop)) {
      if (event.type === 'frame' && event.index === 5) break;
    }
    expect(stopped).toBe(1);
    expect(state.closed).toBe(true);
    expect(state.sampled).toBeLessThan(5);
  });

  it("passes the renderer's error to the consumer and closes the sampler", async () => {
    const { state, chunks } = countingSampler(5);
    const render = async () => {
      throw new Error('renderer failed');
    };
    const run = async () => {
      for await (const _ of renderMotion(chunks, fixedFrameBudget(20 / fps, fps), fps, 1, render)) {
        // The error comes out of the loop.
      }
    };
    await expect(run()).rejects.toThrow('renderer failed');
    expect(state.closed).toBe(true);
  });
});
