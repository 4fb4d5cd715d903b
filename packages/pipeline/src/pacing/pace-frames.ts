import { InvalidInputError, throwIfAborted } from '@joyvasa/core';
import { type BoundedQueue, createBoundedQueue, pump } from '../run/bounded-queue.js';
import type { FrameEvent, TalkingHeadEvent } from '../run/talking-head-events.js';

/** Options of {@link paceFrames}. */
export interface PaceFramesOptions {
  /**
   * Wait after the first frame arrives before showing it, in ms: a buffer against a producer that is
   * sometimes late (fewer repeats and drops, more latency). Default 0.
   */
  readonly startDelayMs?: number;
  /**
   * When tick 0 is due, on the clock `now` (ms): a fixed latency, set by the caller from when its input
   * began, instead of one laid from the first frame's arrival. A frame made after its tick is dropped, so
   * a slow start costs the first frames, not the latency of every frame after them; ticks before the first
   * frame show nothing. Pacing starts at the tick that is due when the first frame arrives. Not with
   * `startDelayMs`.
   */
  readonly startAtMs?: number;
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

/** Where the pacing stands: what arrived and not yet shown, and how the producer ended. */
interface Arrivals {
  readonly frames: FrameEvent[];
  readonly others: Exclude<TalkingHeadEvent, FrameEvent>[];
  /** The video's frame rate, from the first `motion-chunk` (which comes before any frame). */
  fps?: number;
  ended: boolean;
  failure?: { error: unknown };
}

/**
 * Reads the producer's queue into `arrivals`: `take()` what is there without waiting, `wait()` for at
 * least one more event (or the end). The end and a failure are recorded in `arrivals`.
 */
function arrivalReader(queue: BoundedQueue<TalkingHeadEvent>, producing: Promise<void>, arrivals: Arrivals) {
  let produced = false;
  void producing.then(() => {
    produced = true;
  });
  const sort = (event: TalkingHeadEvent) => {
    if (event.type === 'motion-chunk') arrivals.fps ??= event.fps;
    if (event.type !== 'frame') arrivals.others.push(event);
    else if (arrivals.fps !== undefined) arrivals.frames.push(event);
    else {
      const why = "a frame came before any motion-chunk: pace a talking head's stream()";
      arrivals.failure ??= { error: new InvalidInputError('events', why) };
    }
  };
  const pullOne = async () => {
    try {
      const next = await queue.pull();
      if (next.done) arrivals.ended = true;
      else sort(next.value);
    } catch (error) {
      arrivals.failure ??= { error };
    }
  };
  const take = async () => {
    while (queue.size > 0) await pullOne();
    // Once the producer is done, the next pull answers at once: the end, or its failure.
    if (produced && !arrivals.ended) await pullOne();
  };
  return {
    take,
    async wait() {
      await pullOne();
      await take();
    },
  };
}

/**
 * Real-time playback of a talking-head stream: reads the events as fast as they come and, from the first
 * frame on (plus `startDelayMs`) or from `startAtMs`, emits one `paced-frame` per tick of a wall clock at
 * the stream's frame rate (its `motion-chunk`s' `fps`). A tick whose frame has not arrived shows the last
 * frame again (`repeated`); a frame that arrives after its tick is dropped (`frame-dropped`), so the
 * picture never falls behind the clock. Ticks are scheduled from the start time, not from each other, so
 * the clock does not drift. Other events pass through at the next tick.
 */
export async function* paceFrames(
  events: AsyncIterable<TalkingHeadEvent>,
  options: PaceFramesOptions = {},
): AsyncGenerator<PacedEvent, void> {
  if (options.startAtMs !== undefined && options.startDelayMs !== undefined)
    throw new InvalidInputError(
      'options',
      'give startAtMs (a fixed start) or startDelayMs (after the first frame), not both',
    );
  for (const key of ['startAtMs', 'startDelayMs'] as const) {
    const value = options[key];
    if (value !== undefined && !Number.isFinite(value))
      throw new InvalidInputError(key, `must be a finite number of ms, got ${value}`);
  }
  const now = options.now ?? (() => performance.now());
  const source = events[Symbol.asyncIterator]();
  // Unbounded: the producer never waits for the clock; late frames are dropped at their tick instead.
  const queue = createBoundedQueue<TalkingHeadEvent>(Number.POSITIVE_INFINITY);
  const arrivals: Arrivals = { frames: [], others: [], ended: false };
  let producerFps: number | undefined;
  let lastYield = now();
  // Once the producer has kept the thread for a quarter of a tick (a single long step still delays it).
  const letTimersRun = async (event: TalkingHeadEvent) => {
    if (event.type === 'motion-chunk') producerFps ??= event.fps;
    if (producerFps === undefined || now() - lastYield < 1000 / producerFps / 4) return;
    await yieldToEventLoop();
    lastYield = now();
  };
  const producing = pump({ [Symbol.asyncIterator]: () => source }, queue, letTimersRun);
  try {
    yield* tick(arrivals, arrivalReader(queue, producing, arrivals), options, now);
  } finally {
    // Leaving early (break, abort, error) stops the run behind the stream too.
    queue.cancel();
    if (!arrivals.ended) void source.return?.()?.catch(() => {});
  }
}

function throwIfFailed(arrivals: Arrivals): void {
  if (arrivals.failure) throw arrivals.failure.error;
}

async function* tick(
  arrivals: Arrivals,
  arrived: ReturnType<typeof arrivalReader>,
  options: PaceFramesOptions,
  now: () => number,
): AsyncGenerator<PacedEvent, void> {
  const { frames, others } = arrivals;
  while (frames.length === 0 && !arrivals.ended && !arrivals.failure) {
    await arrived.wait();
    yield* others.splice(0);
  }
  const count = { ticks: 0, repeated: 0, dropped: 0 };
  throwIfFailed(arrivals);
  if (frames.length === 0 || arrivals.fps === undefined) {
    yield { type: 'pacing-end', ...count };
    return;
  }
  const period = 1000 / arrivals.fps;
  const start = options.startAtMs ?? now() + (options.startDelayMs ?? 0);
  let last: FrameEvent | undefined;
  // A fixed start may have passed: begin at the tick due now (shown late by less than a tick), not with a
  // burst of every tick since.
  for (let tick = Math.max(0, Math.floor((now() - start) / period)); ; tick++) {
    await sleep(start + tick * period - now());
    throwIfAborted(options.signal);
    await arrived.take();
    throwIfFailed(arrivals);
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
    if (!shown && arrivals.ended && frames.length === 0) break;
    const repeated = !shown;
    shown ??= last;
    if (!shown) continue;
    last = shown;
    count.ticks++;
    if (repeated) count.repeated++;
    yield { type: 'paced-frame', tick, frame: shown, repeated, lateMs: now() - (start + tick * period) };
  }
  yield { type: 'pacing-end', ...count };
}
