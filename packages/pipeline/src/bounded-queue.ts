/**
 * A queue between two stages that run at once: the producer waits while `capacity` items are waiting
 * (back-pressure: a slow consumer never makes the producer buffer without bound), the consumer waits while
 * none is. Either side can stop the other: the producer ends it or fails it, the consumer cancels it.
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
  /** Items waiting now (never more than the capacity). */
  readonly size: number;
}

/** Creates a {@link BoundedQueue} holding at most `capacity` (≥ 1) items. */
export function createBoundedQueue<T>(capacity: number): BoundedQueue<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity} is not ≥ 1`);
  const items: T[] = [];
  let closed = false;
  let cancelled = false;
  let failure: { error: unknown } | undefined;
  let waiters: (() => void)[] = [];
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  const notify = () => {
    const waiting = waiters;
    waiters = [];
    for (const wake of waiting) wake();
  };
  return {
    async push(item) {
      while (items.length >= capacity && !cancelled) await changed();
      if (cancelled) return false;
      items.push(item);
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
      notify();
    },
    get size() {
      return items.length;
    },
  };
}
