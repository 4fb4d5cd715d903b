import type { MotionFrame, RgbImage } from '@joyvasa/core';
import type { MotionChunk } from '@joyvasa/motion-diffusion';
import type { FrameBudget } from './frame-budget.js';
import type { TalkingHeadEvent } from './talking-head-events.js';

/**
 * Turns motion chunks into events: each chunk, then its frames the budget keeps, rendered `batchSize` at
 * a time, each with its presentation time and a render progress event. Returns the number of frames made.
 */
export async function* renderMotion(
  chunks: AsyncIterable<MotionChunk>,
  budget: FrameBudget,
  fps: number,
  batchSize: number,
  render: (frames: readonly MotionFrame[]) => Promise<RgbImage[]>,
): AsyncGenerator<TalkingHeadEvent, number> {
  let index = 0;
  for await (const chunk of chunks) {
    const { startFrame, frames } = chunk;
    yield { type: 'motion-chunk', startFrame, frames, totalFrames: budget.totalFrames(), fps };
    yield { type: 'progress', stage: 'sample-motion', completed: chunk.index + 1, total: chunk.windowCount };
    let next = 0;
    while (next < frames.length) {
      const batch: MotionFrame[] = [];
      let ended = false;
      while (batch.length < batchSize && next + batch.length < frames.length) {
        if (!(await budget.keeps(index + batch.length))) {
          ended = true;
          break;
        }
        batch.push(frames[next + batch.length]!);
      }
      for (const image of batch.length > 0 ? await render(batch) : []) {
        yield { type: 'frame', index, time: index / fps, image };
        index++;
        yield { type: 'progress', stage: 'render', completed: index, total: budget.totalFrames() };
      }
      next += batch.length;
      if (ended) return index;
    }
  }
  return index;
}
