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
function failure(
  url: string,
  error: unknown,
  options: HubRequestOptions,
  timeoutMs: number,
  place: RequestPlace,
): never {
  throwIfAborted(options.signal);
  if (ModelLoadError.isInstance(error)) throw error;
  const where = place.current === url ? '' : ` at ${place.current}, where ${url} redirects`;
  if ((error as Error)?.name === 'TimeoutError') {
    throw new ModelLoadError(
      url,
      `no complete answer${where} within ${seconds(timeoutMs)} (timeoutMs); run fetch again to resume`,
      {
        cause: error,
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  throw new ModelLoadError(
    url,
    `the request failed${where} (${reason}); check your connection or --endpoint`,
    {
      cause: error,
    },
  );
}

/**
 * Races `work` against `idleMs` of silence. On timeout it aborts `controller` too, so the request itself is
 * cancelled and its socket released, not only the promise abandoned.
 */
async function withIdleTimeout<T>(
  work: Promise<T>,
  idleMs: number,
  url: string,
  controller: AbortController,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ModelLoadError(
        url,
        `the server sent nothing for ${seconds(idleMs)} (idleTimeoutMs); run fetch again to resume`,
      );
      controller.abort(error);
      reject(error);
    }, idleMs);
  });
  try {
    return await Promise.race([work, idle]);
  } finally {
    clearTimeout(timer);
  }
}

/** The URL a request is at now: after a redirect, errors name it rather than the URL first asked for. */
interface RequestPlace {
  current: string;
}

/** Refuses a redirect to another scheme (`file:`, `ftp:`, or https down to http). */
function checkRedirectScheme(url: string, from: string, to: URL): void {
  const scheme = new URL(from).protocol;
  if (to.protocol === scheme || (scheme === 'http:' && to.protocol === 'https:')) return;
  throw new ModelLoadError(
    url,
    `the server redirects from ${from} to ${to.href}, another scheme; only http and https redirects ` +
      '(never from https down to http) are followed: the mirror is misconfigured or hostile',
  );
}

/** Follows redirects by hand, so a loop or an endless chain gets its own message and a token stays home. */
async function follow(
  url: string,
  headers: Record<string, string>,
  options: HubRequestOptions,
  signal: AbortSignal,
  place: RequestPlace,
) {
  const seen = new Set<string>();
  const home = new URL(url).origin;
  let current = url;
  for (;;) {
    seen.add(current);
    place.current = current;
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
    const target = new URL(location, current);
    checkRedirectScheme(url, current, target);
    const next = target.href;
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
  // Every way out (idle, overall timeout, the caller's abort, a failure) aborts this one controller, so
  // the request is cancelled and its socket released instead of left to the server's mercy.
  const controller = new AbortController();
  const overall = setTimeout(
    () => controller.abort(new DOMException('the overall timeout passed', 'TimeoutError')),
    timeoutMs,
  );
  // The overall timer alone must not keep a process alive.
  overall.unref?.();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    clearTimeout(overall);
    options.signal?.removeEventListener('abort', onAbort);
  };
  const place: RequestPlace = { current: url };
  const fail = (error: unknown): never => {
    if (!controller.signal.aborted) controller.abort(error);
    release();
    return failure(url, error, options, timeoutMs, place);
  };
  const timedOut = (error: unknown) =>
    controller.signal.reason instanceof DOMException && controller.signal.reason.name === 'TimeoutError'
      ? controller.signal.reason
      : error;
  let answer: Awaited<ReturnType<typeof follow>>;
  try {
    answer = await withIdleTimeout(
      follow(url, headers, options, controller.signal, place),
      idleMs,
      url,
      controller,
    );
  } catch (error) {
    return fail(timedOut(error));
  }
  const { response } = answer;
  if (!response.ok) {
    release();
    await response.body?.cancel().catch(() => {});
    throw new ModelLoadError(url, `the hub answered ${response.status} ${response.statusText}`.trim());
  }
  const reader = response.body?.getReader();
  return {
    url: answer.url,
    status: response.status,
    headers: response.headers,
    async next() {
      if (!reader) {
        release();
        return undefined;
      }
      try {
        const chunk = await withIdleTimeout(reader.read(), idleMs, url, controller);
        if (chunk.done) release();
        return chunk.done ? undefined : chunk.value;
      } catch (error) {
        await reader.cancel().catch(() => {});
        return fail(timedOut(error));
      }
    },
    cancel: async () => {
      release();
      controller.abort();
      await reader?.cancel().catch(() => {});
    },
  };
}
