/** Wakes every waiter at once: the "something changed, look again" of a producer and its consumers. */
export interface Notifier {
  /** Resolves at the next `notify()`. */
  changed(): Promise<void>;
  notify(): void;
}

/** Creates a {@link Notifier}. */
export function createNotifier(): Notifier {
  let waiters: (() => void)[] = [];
  return {
    changed: () => new Promise<void>((resolve) => waiters.push(resolve)),
    notify() {
      const waiting = waiters;
      waiters = [];
      for (const wake of waiting) wake();
    },
  };
}
