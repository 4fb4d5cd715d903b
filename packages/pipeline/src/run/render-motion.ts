import type { MotionFrame, RgbImage } from '@joyvasa/core';
import type { MotionChunk } from '@joyvasa/motion-diffusion';
import { type BoundedQueue, createBoundedQueue, pump } from './bounded-queue.js';
import type { FrameBudget } from './frame-budget.js';
import type { TalkingHeadEvent } from './talking-head-events.js';

/**
 * How far each stage may run ahead of the next: one sampled window waits for the renderer (motion of
 * window k+1 is sampled while window k renders), one rendered batch waits for the consumer (the next batch
 * renders while the caller encodes this one). Each stage then holds at most one more item in its hands.
 */
export const stageQueueCapacity = { motionChunks: 1, renderedBatches: 1 } as const;

/** The frames of `frames[from…]` the budget keeps, at most `batchSize`; `ended` once the budget stops. */
async function nextBatch(
  frames: readonly MotionFrame[],
  from: number,
  index: number,
  batchSize: number,
  budget: FrameBudget,
): Promise<{ batch: MotionFrame[]; ended: boolean }> {
  const batch: MotionFrame[] = [];
  while (batch.length < batchSize && from + batch.length < frames.length) {
    if (!(await budget.keeps(index + batch.length))) return { batch, ended: true };
    batch.push(frames[from + batch.length]!);
  }
  return { batch, ended: false };
}

interface RenderStage {
  readonly budget: FrameBudget;
  readonly fps: number;
  readonly batchSize: number;
  readonly render: (frames: readonly MotionFrame[]) => Promise<RgbImage[]>;
}

/**
 * Renders the chunks of `motion` batch by batch into `events`, as groups of events in presentation order;
 * resolves to the number of frames made.
 */
async function renderStage(
  motion: BoundedQueue<MotionChunk>,
  events: BoundedQueue<TalkingHeadEvent[]>,
  { budget, fps, batchSize, render }: RenderStage,
): Promise<number> {
  let index = 0;
  for (let next = await motion.pull(); !next.done; next = await motion.pull()) {
    const { startFrame, frames, index: chunkIndex, windowCount } = next.value;
    const totalFrames = budget.totalFrames();
    const chunkEvents: TalkingHeadEvent[] = [
      { type: 'motion-chunk', startFrame, frames, totalFrames, fps },
      { type: 'progress', stage: 'sample-motion', completed: chunkIndex + 1, total: windowCount },
    ];
    if (!(await events.push(chunkEvents))) return index;
    for (let from = 0; from < frames.length; ) {
      const { batch, ended } = await nextBatch(frames, from, index, batchSize, budget);
      const rendered: TalkingHeadEvent[] = [];
      for (const image of batch.length > 0 ? await render(batch) : []) {
        rendered.push({ type: 'frame', index, time: index / fps, image });
        index++;
        rendered.push({ type: 'progress', stage: 'render', completed: index, total: budget.totalFrames() });
      }
      if (!(await events.push(rendered))) return index;
      from += batch.length;
      if (ended) return index;
    }
  }
  return index;
}

/**
 * Turns motion chunks into events: each chunk, then its frames the budget keeps, rendered `batchSize` at
 * a time, each with its presentation time and a render progress event. Returns the number of frames made.
 *
 * Three stages run at once, joined by bounded queues ({@link stageQueueCapacity}): sampling the motion,
 * rendering it, and the caller's handling of the events (a sink encoding). The events come in the same
 * order as with one stage after the other, and the motion is the same. `stop` is called when the stream
 * ends early (the caller's `break`, an error), before waiting for the stages: it must make a stage waiting
 * for input (live audio) give up.
 */
export async function* renderMotion(
  chunks: AsyncIterable<MotionChunk>,
  budget: FrameBudget,
  fps: number,
  batchSize: number,
  render: (frames: readonly MotionFrame[]) => Promise<RgbImage[]>,
  stop: () => void = () => undefined,
): AsyncGenerator<TalkingHeadEvent, number> {
  const motion = createBoundedQueue<MotionChunk>(stageQueueCapacity.motionChunks);
  const events = createBoundedQueue<TalkingHeadEvent[]>(stageQueueCapacity.renderedBatches);
  // Leaving the loop early calls the sampler's return(), which releases what it holds.
  const sampling = pump(chunks, motion);
  const rendering = renderStage(motion, events, { budget, fps, batchSize, render }).then(
    (frameCount) => {
      events.end();
      return frameCount;
    },
    (error: unknown) => {
      events.fail(error);
      return 0;
    },
  );
  // Once rendering stops (the budget's end, an error), sampling further is wasted.
  void rendering.then(() => motion.cancel());
  let finished = false;
  try {
    for (let next = await events.pull(); !next.done; next = await events.pull()) yield* next.value;
    finished = true;
    return await rendering;
  } finally {
    events.cancel();
    motion.cancel();
    if (!finished) stop();
    await Promise.all([sampling, rendering]);
  }
}
