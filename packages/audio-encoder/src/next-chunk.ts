import { AudioStreamError } from './audio-stream-error.js';

/** A pull-based view of an AsyncIterable or a ReadableStream, closed once with `close`. */
export interface ChunkPuller<T> {
  /** The next chunk, or `undefined` at the end. */
  next(): Promise<T | undefined>;
  /** Stops the producer (iterator `return`, stream `cancel`); never waits for a stuck producer. */
  close(reason?: unknown): void;
}

function isReadableStream<T>(value: unknown): value is ReadableStream<T> {
  return typeof (value as ReadableStream<T>)?.getReader === 'function';
}

/** Opens either kind of source; the reader of a ReadableStream is used directly (older browsers cannot iterate one). */
export function pullChunks<T>(source: AsyncIterable<T> | ReadableStream<T>): ChunkPuller<T> {
  if (isReadableStream<T>(source)) {
    const reader = source.getReader();
    return {
      next: async () => {
        const { done, value } = await reader.read();
        return done ? undefined : value;
      },
      close: (reason) => void reader.cancel(reason).catch(() => {}),
    };
  }
  const iterator = source[Symbol.asyncIterator]();
  return {
    next: async () => {
      const { done, value } = await iterator.next();
      return done ? undefined : value;
    },
    close: () => void iterator.return?.()?.catch?.(() => {}),
  };
}

/**
 * The next chunk, racing the producer against the idle timeout and the signal. A producer that throws
 * becomes an {@link AudioStreamError} (`producer-failed`, with the cause); one silent for longer than
 * `idleTimeoutMs` an {@link AudioStreamError} (`stalled`); an abort the signal's reason.
 */
export function nextChunk<T>(
  puller: ChunkPuller<T>,
  index: number,
  idleTimeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      settle();
      reject(signal!.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (idleTimeoutMs !== undefined && Number.isFinite(idleTimeoutMs)) {
      timer = setTimeout(() => {
        settle();
        reject(
          new AudioStreamError(
            'stalled',
            `the audio stream sent nothing for ${idleTimeoutMs} ms (waiting for chunk ${index}); ` +
              'end the stream when the speech is over, or raise idleTimeoutMs',
          ),
        );
      }, idleTimeoutMs);
    }
    puller.next().then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(
          new AudioStreamError(
            'producer-failed',
            `the audio stream failed at chunk ${index}: ${String(error)}`,
            {
              cause: error,
            },
          ),
        );
      },
    );
  });
}
