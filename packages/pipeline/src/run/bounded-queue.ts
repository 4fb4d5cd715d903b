import { createNotifier } from './notifier.js';

/**
 * A queue between two stages that run at once: the producer waits while the queue is full (back-pressure:
 * a slow consumer never makes the producer buffer without bound), the consumer waits while it is empty.
 * Either side can stop the other: the producer ends it or fails it, the consumer cancels it.
 */
export interface BoundedQueue<T> {
  /** Waits for room, then adds `item`. False once the consumer has cancelled: stop producing. */
  push(item: T): Promise<boolean>;
  /** No more items: the consumer gets those waiting, then the end. */
  end(): void;
  /** The consumer's next pull throws `error` (after the items already waiting). */
  fail(error: unknown): void;
  /** The next item; done after `end()`; throws what `fail()` gave. */
  pull(): Promise<IteratorResult<T, undefined>>;
  /** The consumer stops: waiting items are dropped and every `push` answers false. */
  cancel(): void;
  /** Items waiting now. */
  readonly size: number;
}

/** Options of {@link createBoundedQueue}. */
export interface BoundedQueueOptions<T> {
  /** How much of the capacity an item takes (samples of a PCM chunk). Default 1: the capacity counts items. */
  readonly weigh?: (item: T) => number;
}

/**
 * Creates a {@link BoundedQueue} holding at most `capacity` (> 0) of weight; a push waits while the
 * waiting items weigh that much (one item is always let in, however heavy). `Infinity`: never waits.
 */
export function createBoundedQueue<T>(
  capacity: number,
  options: BoundedQueueOptions<T> = {},
): BoundedQueue<T> {
  if (!(capacity > 0)) throw new RangeError(`capacity ${capacity} is not > 0`);
  const weigh = options.weigh ?? (() => 1);
  const items: T[] = [];
  let weight = 0;
  let closed = false;
  let cancelled = false;
  let failure: { error: unknown } | undefined;
  const { changed, notify } = createNotifier();
  return {
    async push(item) {
      while (weight >= capacity && !cancelled) await changed();
      if (cancelled) return false;
      items.push(item);
      weight += weigh(item);
      notify();
      return true;
    },
    end() {
      closed = true;
      notify();
    },
    fail(error) {
      failure ??= { error };
      closed = true;
      notify();
    },
    async pull() {
      for (;;) {
        if (items.length > 0) {
          const value = items.shift() as T;
          weight -= weigh(value);
          notify();
          return { done: false, value };
        }
        if (failure) throw failure.error;
        if (closed || cancelled) return { done: true, value: undefined };
        await changed();
      }
    },
    cancel() {
      cancelled = true;
      items.length = 0;
      weight = 0;
      notify();
    },
    get size() {
      return items.length;
    },
  };
}

/**
 * The producer side of a stage: pushes every item of `source` into `queue`, then ends it, or fails it
 * with the source's error. Stops reading (which closes the source) once the consumer cancels. `afterEach`
 * runs after each push (a producer that must let timers run). Never rejects: failures go to the queue.
 */
export async function pump<T>(
  source: AsyncIterable<T>,
  queue: BoundedQueue<T>,
  afterEach?: (item: T) => Promise<void> | void,
): Promise<void> {
  try {
    for await (const item of source) {
      if (!(await queue.push(item))) return;
      await afterEach?.(item);
    }
    queue.end();
  } catch (error) {
    queue.fail(error);
  }
}
