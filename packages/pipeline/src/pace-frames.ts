import { throwIfAborted } from '@joyvasa/core';
import type { FrameEvent, TalkingHeadEvent } from './talking-head-events.js';

/** Options of {@link paceFrames}. */
export interface PaceFramesOptions {
  /** Frames per second of wall clock. Default 25 (the motion's rate). */
  readonly fps?: number;
  /**
   * Wait after the first frame arrives before showing it, in ms: a buffer against a producer that is
   * sometimes late (fewer repeats and drops, more latency). Default 0.
   */
  readonly startDelayMs?: number;
  /** The clock, in ms. Default `performance.now`. */
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/** One tick of the wall clock: the frame to show now. */
export interface PacedFrameEvent {
  readonly type: 'paced-frame';
  /** The tick, from 0: shown at `startTime + tick / fps`. */
  readonly tick: number;
  /** The frame shown; its `index` equals `tick` unless `repeated`. */
  readonly frame: FrameEvent;
  /** True when the frame for this tick had not arrived and the last one is shown again. */
  readonly repeated: boolean;
  /** How late the tick itself ran, in ms (the clock's own jitter). */
  readonly lateMs: number;
}

/** A frame that arrived after its tick had passed, and was never shown. */
export interface FrameDroppedEvent {
  readonly type: 'frame-dropped';
  readonly index: number;
  /** The tick at which it arrived. */
  readonly tick: number;
}

/** What the pacing did, after the last tick. */
export interface PacingEndEvent {
  readonly type: 'pacing-end';
  readonly ticks: number;
  readonly repeated: number;
  readonly dropped: number;
}

/** Everything {@link paceFrames} yields: paced frames, drops, the end, and the run's other events. */
export type PacedEvent =
  | PacedFrameEvent
  | FrameDroppedEvent
  | PacingEndEvent
  | Exclude<TalkingHeadEvent, FrameEvent>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Lets due timers run. onnxruntime-web's WASM runs compute on the calling thread and resolve at once, so
 * a producer built on them is a chain of microtasks: without this, the clock's timers would not fire
 * until the producer waits for something else (the microphone), and the picture would stall. A timer,
 * because `scheduler.yield()` continuations run before other tasks, the tick's timer among them.
 */
const yieldToEventLoop = (): Promise<void> => sleep(0);

/**
 * Real-time playback of a talking-head stream: reads the events as fast as they come and, from the first
 * frame on (plus `startDelayMs`), emits one `paced-frame` per tick of a wall clock at `fps`. A tick whose
 * frame has not arrived shows the last frame again (`repeated`); a frame that arrives after its tick is
 * dropped (`frame-dropped`), so the picture never falls behind the clock. Ticks are scheduled from the
 * start time, not from each other, so the clock does not drift. Other events pass through at the next tick.
 */
export async function* paceFrames(
  events: AsyncIterable<TalkingHeadEvent>,
  options: PaceFramesOptions = {},
): AsyncGenerator<PacedEvent, void> {
  const period = 1000 / (options.fps ?? 25);
  const now = options.now ?? (() => performance.now());
  const frames: FrameEvent[] = [];
  const others: Exclude<TalkingHeadEvent, FrameEvent>[] = [];
  let ended = false;
  let failure: unknown;
  let arrived: () => void = () => {};
  const source = events[Symbol.asyncIterator]();
  let stopped = false;
  let lastYield = now();
  const pump = (async () => {
    for (let next = await source.next(); !next.done && !stopped; next = await source.next()) {
      if (next.value.type === 'frame') frames.push(next.value);
      else others.push(next.value);
      arrived();
      // Once the producer has kept the thread for a quarter of a tick (a single long step still delays it).
      if (now() - lastYield >= period / 4) {
        await yieldToEventLoop();
        lastYield = now();
      }
    }
  })().then(
    () => {
      ended = true;
      arrived();
    },
    (error: unknown) => {
      failure = error;
      arrived();
    },
  );
  try {
    yield* tick();
  } finally {
    // Leaving early (break, abort, error) stops the run behind the stream too.
    stopped = true;
    if (!ended) void source.return?.()?.catch(() => {});
  }

  async function* tick(): AsyncGenerator<PacedEvent, void> {
    while (frames.length === 0 && !ended && failure === undefined) {
      await new Promise<void>((resolve) => {
        arrived = resolve;
      });
      yield* others.splice(0);
    }
    const start = now() + (options.startDelayMs ?? 0);
    let last: FrameEvent | undefined;
    const count = { ticks: 0, repeated: 0, dropped: 0 };
    for (let tick = 0; ; tick++) {
      await sleep(start + tick * period - now());
      throwIfAborted(options.signal);
      if (failure !== undefined) throw failure;
      yield* others.splice(0);
      let shown: FrameEvent | undefined;
      while (frames.length > 0 && frames[0]!.index <= tick) {
        const frame = frames.shift()!;
        if (frame.index === tick) shown = frame;
        else {
          count.dropped++;
          yield { type: 'frame-dropped', index: frame.index, tick };
        }
      }
      if (!shown && ended && frames.length === 0) break;
      const repeated = !shown;
      shown ??= last;
      if (!shown) continue;
      last = shown;
      count.ticks++;
      if (repeated) count.repeated++;
      yield { type: 'paced-frame', tick, frame: shown, repeated, lateMs: now() - (start + tick * period) };
    }
    await pump;
    yield { type: 'pacing-end', ...count };
  }
}
