import type { RgbImage } from '@joyvasa/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import { type PacedEvent, type PaceFramesOptions, paceFrames } from './pace-frames.js';

const image: RgbImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
/** What a run yields before its frames: the motion, whose `fps` sets the clock (25 here: 40 ms a tick). */
const motionChunk: TalkingHeadEvent = {
  type: 'motion-chunk',
  startFrame: 0,
  frames: [],
  totalFrames: 0,
  fps: 25,
};

/** Frames made at the given times (ms of the fake clock), then the stream's end. */
async function* producer(times: readonly number[]): AsyncGenerator<TalkingHeadEvent> {
  let clock = 0;
  yield motionChunk;
  for (const [index, at] of times.entries()) {
    // Frames made at the same time come together, as a batch of the renderer does.
    if (at > clock) await new Promise((resolve) => setTimeout(resolve, at - clock));
    clock = at;
    yield { type: 'frame', index, time: index / 25, image };
  }
  yield { type: 'stream-end', frameCount: times.length, fps: 25, durationSeconds: times.length / 25 };
}

/** Paces frames made at `times` (ms after the call) with `options`; each event with when it came. */
async function runAt(
  times: readonly number[],
  options: PaceFramesOptions = {},
): Promise<{ event: PacedEvent; atMs: number }[]> {
  const out: { event: PacedEvent; atMs: number }[] = [];
  const done = (async () => {
    for await (const event of paceFrames(producer(times), options))
      out.push({ event, atMs: performance.now() });
  })();
  await vi.advanceTimersByTimeAsync(10 * times.length * 40 + (options.startDelayMs ?? 0) + 1000);
  await done;
  return out;
}

async function run(times: readonly number[], startDelayMs = 0): Promise<PacedEvent[]> {
  return (await runAt(times, { startDelayMs })).map(({ event }) => event);
}

/** Per tick: the frame shown, `r` marking a repeat; `d<i>` a dropped frame. */
function timeline(events: readonly PacedEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'paced-frame'
      ? [`${e.frame.index}${e.repeated ? 'r' : ''}`]
      : e.type === 'frame-dropped'
        ? [`d${e.index}`]
        : [],
  );
}

describe('paceFrames', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a producer that keeps up one frame per 40 ms tick, in order, without repeats or drops', async () => {
    const events = await run([100, 110, 150, 170, 200, 230]);
    expect(timeline(events)).toEqual(['0', '1', '2', '3', '4', '5']);
    const ticks = events.filter((e) => e.type === 'paced-frame');
    expect(ticks.map((e) => e.tick)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.at(-1)).toEqual({ type: 'pacing-end', ticks: 6, repeated: 0, dropped: 0 });
    expect(events.some((e) => e.type === 'stream-end')).toBe(true);
  });

  it('repeats the last frame while the next is late, and drops frames that come after their tick', async () => {
    // Frames 2 and 3 come at 130 ms, after their ticks (80, 120 ms): ticks 2 and 3 repeat frame 1, and
    // tick 4 drops them and shows frame 4, which is on time again.
    const events = await run([0, 40, 130, 130, 150, 190]);
    expect(timeline(events)).toEqual(['0', '1', '1r', '1r', 'd2', 'd3', '4', '5']);
    expect(events.at(-1)).toEqual({ type: 'pacing-end', ticks: 6, repeated: 2, dropped: 2 });
  });

  it('absorbs late frames within startDelayMs', async () => {
    const events = await run([0, 40, 130, 130, 150, 190], 100);
    expect(timeline(events)).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('ticks from a fixed startAtMs, whatever the first frame took, at ticks start + k·40 ms', async () => {
    const start = performance.now() + 120;
    const events = await runAt([100, 110, 150, 170, 200, 230], { startAtMs: start });
    expect(timeline(events.map(({ event }) => event))).toEqual(['0', '1', '2', '3', '4', '5']);
    const ticks = events.filter(({ event }) => event.type === 'paced-frame');
    expect(ticks.map(({ atMs }) => Math.round(atMs - start))).toEqual([0, 40, 80, 120, 160, 200]);
  });

  it('drops the frames of a fixed start that has passed and goes on at the tick due, without a burst', async () => {
    const start = performance.now();
    // The first frames come at 100 ms, when tick 2 is due (80 ms): frames 0 and 1 are dropped, frame 2
    // is shown at once (about 20 ms late), and the ticks after it keep the fixed start's times.
    const events = await runAt([100, 100, 100, 100, 110, 120, 130], { startAtMs: start });
    expect(timeline(events.map(({ event }) => event))).toEqual(['d0', 'd1', '2', '3', '4', '5', '6']);
    const ticks = events.flatMap(({ event, atMs }) =>
      event.type === 'paced-frame' ? [[event.tick, Math.round(atMs - start), event.lateMs]] : [],
    );
    // (A zero timeout takes 1 ms of the fake clock.)
    const [firstTick, firstAtMs, firstLateMs] = ticks[0]!;
    expect([firstTick, firstAtMs]).toEqual([2, 101]);
    expect(firstLateMs).toBeCloseTo(21, 6);
    expect(ticks.slice(1).map(([tick, atMs]) => [tick, atMs])).toEqual([
      [3, 120],
      [4, 160],
      [5, 200],
      [6, 240],
    ]);
    expect(events.at(-1)?.event).toEqual({ type: 'pacing-end', ticks: 5, repeated: 0, dropped: 2 });
  });

  it('refuses both starts at once, and a start that is not a number', async () => {
    const pace = (options: PaceFramesOptions) => paceFrames(producer([0]), options).next();
    await expect(pace({ startAtMs: 0, startDelayMs: 0 })).rejects.toThrow(/startAtMs .* or startDelayMs/);
    await expect(pace({ startAtMs: Number.NaN })).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(pace({ startDelayMs: Number.POSITIVE_INFINITY })).rejects.toThrow(/startDelayMs/);
  });

  it('ticks at the fps of the motion-chunks (10 fps: 100 ms a tick) and refuses frames before any', async () => {
    async function* atTenFps(): AsyncGenerator<TalkingHeadEvent> {
      yield { ...motionChunk, fps: 10 } as TalkingHeadEvent;
      for (let index = 0; index < 3; index++) yield { type: 'frame', index, time: index / 10, image };
    }
    const starts: number[] = [];
    const done = (async () => {
      for await (const event of paceFrames(atTenFps()))
        if (event.type === 'paced-frame') starts.push(performance.now());
    })();
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(starts.map((at) => Math.round(at - starts[0]!))).toEqual([0, 100, 200]);
    async function* bare(): AsyncGenerator<TalkingHeadEvent> {
      yield { type: 'frame', index: 0, time: 0, image };
    }
    const refused = (async () => {
      for await (const _ of paceFrames(bare())) {
        // Never reached: the frame has no frame rate to be paced at.
      }
    })();
    await expect(refused).rejects.toThrow(/before any motion-chunk/);
  });

  it('stops the producer when the consumer leaves', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<TalkingHeadEvent> {
      try {
        yield motionChunk;
        for (let index = 0; ; index++) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          yield { type: 'frame', index, time: index / 25, image };
        }
      } finally {
        closed = true;
      }
    }
    const done = (async () => {
      for await (const event of paceFrames(endless()))
        if (event.type === 'paced-frame' && event.tick === 3) break;
    })();
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(closed).toBe(true);
  });
});

describe('paceFrames with a producer that never waits for a timer', () => {
  it('keeps its clock ticking while the producer computes (onnxruntime-web WASM runs resolve at once)', async () => {
    // Real timers: the point is that the clock's timers get to run between the producer's frames.
    let made = 0;
    async function* busy(): AsyncGenerator<TalkingHeadEvent> {
      yield motionChunk;
      for (let index = 0; index < 5000; index++) {
        // 1 ms of computing per frame, then a promise that is already resolved: no timer, no I/O.
        const start = performance.now();
        while (performance.now() - start < 1);
        await Promise.resolve();
        made++;
        yield { type: 'frame', index, time: index / 25, image };
      }
    }
    const madeAtTick: number[] = [];
    for await (const event of paceFrames(busy())) {
      if (event.type !== 'paced-frame') continue;
      madeAtTick.push(made);
      if (event.tick === 2) break;
    }
    // Without yielding, all 5000 frames would be made before the first tick's timer fired.
    expect(madeAtTick).toHaveLength(3);
    expect(madeAtTick[2]).toBeLessThan(5000);
  });
});
