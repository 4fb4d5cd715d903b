import { inputLimits, ModelLoadError, throwIfAborted } from '@joyvasa/core';

/** How one request to the hub is made and bounded. */
export interface HubRequestOptions {
  /** Access token, sent to the hub's own host only (not to the storage hosts it redirects to). */
  readonly token?: string;
  readonly fetch?: typeof globalThis.fetch;
  /** The caller's cancellation; aborting it gives its reason, never a ModelLoadError. */
  readonly signal?: AbortSignal;
  /** Milliseconds without a byte after which the request is abandoned. Default {@link inputLimits.fetchIdleTimeoutMs}. */
  readonly idleTimeoutMs?: number;
  /** Milliseconds one request (headers and body) may take in all. Default {@link inputLimits.fetchTimeoutMs}. */
  readonly timeoutMs?: number;
}

/** A response whose body is read in chunks, each within the idle timeout and all within the overall one. */
export interface HubResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  /** The next chunk of the body, or undefined at its end. */
  next(): Promise<Uint8Array | undefined>;
  /** Stops reading and releases the connection. */
  cancel(): Promise<void>;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** One ModelLoadError for every way a request can fail, except the caller's own abort. */
function failure(url: string, error: unknown, options: HubRequestOptions, timeoutMs: number): never {
  throwIfAborted(options.signal);
  if (ModelLoadError.isInstance(error)) throw error;
  if ((error as Error)?.name === 'TimeoutError') {
    throw new ModelLoadError(
      url,
      `no complete answer within ${seconds(timeoutMs)} (timeoutMs); run fetch again to resume`,
      {
        cause: error,
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  throw new ModelLoadError(url, `the request failed (${reason}); check your connection or --endpoint`, {
    cause: error,
  });
}

async function withIdleTimeout<T>(work: Promise<T>, idleMs: number, url: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ModelLoadError(
            url,
            `the server sent nothing for ${seconds(idleMs)} (idleTimeoutMs); run fetch again to resume`,
          ),
        ),
      idleMs,
    );
  });
  try {
    return await Promise.race([work, idle]);
  } finally {
    clearTimeout(timer);
  }
}

/** Follows redirects by hand, so a loop or an endless chain gets its own message and a token stays home. */
async function follow(
  url: string,
  headers: Record<string, string>,
  options: HubRequestOptions,
  signal: AbortSignal,
) {
  const seen = new Set<string>();
  const home = new URL(url).origin;
  let current = url;
  for (;;) {
    seen.add(current);
    const sameHost = new URL(current).origin === home;
    const response = await (options.fetch ?? globalThis.fetch)(current, {
      signal,
      redirect: 'manual',
      headers: {
        ...headers,
        ...(options.token && sameHost ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return { response, url: current };
    await response.body?.cancel().catch(() => {});
    const next = new URL(location, current).href;
    if (seen.has(next)) {
      throw new ModelLoadError(
        url,
        `the server redirects in a loop (${current} → ${next}); the mirror is misconfigured`,
      );
    }
    if (seen.size > inputLimits.fetchMaxRedirects) {
      throw new ModelLoadError(
        url,
        `more than ${inputLimits.fetchMaxRedirects} redirects; the mirror is misconfigured`,
      );
    }
    current = next;
  }
}

/**
 * GETs `url` from the hub with bounded time: headers and each body chunk within `idleTimeoutMs`, the
 * whole within `timeoutMs`. Throws ModelLoadError for network failures, timeouts, redirect loops and
 * non-2xx answers; the caller's abort reason when `signal` fires.
 */
export async function hubRequest(
  url: string,
  options: HubRequestOptions,
  headers: Record<string, string> = {},
): Promise<HubResponse> {
  const idleMs = options.idleTimeoutMs ?? inputLimits.fetchIdleTimeoutMs;
  const timeoutMs = options.timeoutMs ?? inputLimits.fetchTimeoutMs;
  const signal = AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...(options.signal ? [options.signal] : []),
  ]);
  let answer: Awaited<ReturnType<typeof follow>>;
  try {
    answer = await withIdleTimeout(follow(url, headers, options, signal), idleMs, url);
  } catch (error) {
    failure(url, error, options, timeoutMs);
  }
  const { response } = answer;
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new ModelLoadError(url, `the hub answered ${response.status} ${response.statusText}`.trim());
  }
  const reader = response.body?.getReader();
  return {
    url: answer.url,
    status: response.status,
    headers: response.headers,
    async next() {
      if (!reader) return undefined;
      try {
        const chunk = await withIdleTimeout(reader.read(), idleMs, url);
        return chunk.done ? undefined : chunk.value;
      } catch (error) {
        await reader.cancel().catch(() => {});
        return failure(url, error, options, timeoutMs);
      }
    },
    cancel: async () => {
      await reader?.cancel().catch(() => {});
    },
  };
}
