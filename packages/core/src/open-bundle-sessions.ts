import type { BackendV1, SessionOptions, SessionV1 } from './backend.js';
import { checkSessionIo, type GraphIo } from './graph-io.js';
import type { ModelBundle } from './model-bundle.js';

/**
 * Opens one component of the bundle (in its named `variant`, default the official form; with `options` over
 * the loader's session options, e.g. `fixedAxes`) and checks that the session has every name of its graph
 * ({@link checkSessionIo}), so a component of another model fails at load, naming both sets of names.
 */
export type OpenBundleSession = (
  component: string,
  io: GraphIo,
  variant?: string,
  options?: SessionOptions,
) => Promise<SessionV1>;

/** What {@link openBundleSessions} built, and how to free the sessions behind it. */
export interface BundleSessions<T> {
  /** What `build` returned. */
  readonly value: T;
  /** Every session opened, in the order they were opened. */
  readonly sessions: readonly SessionV1[];
  /** Disposes every session opened. */
  dispose(): Promise<void>;
}

async function disposeAll(sessions: readonly SessionV1[]): Promise<void> {
  // allSettled: a second failure while cleaning up must not hide the first one, nor skip a session.
  const results = await Promise.allSettled(sessions.map((session) => session.dispose()));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The one way a loader opens the sessions of a bundle: `build` opens the components it needs through
 * `open` and wraps them; when opening, checking or wrapping any of them fails, the sessions already
 * opened are disposed before the error is rethrown, so a failed load leaks nothing.
 */
export async function openBundleSessions<T>(
  bundle: Pick<ModelBundle, 'createSession'>,
  backend: BackendV1,
  options: SessionOptions,
  build: (open: OpenBundleSession) => Promise<T>,
): Promise<BundleSessions<T>> {
  const sessions: SessionV1[] = [];
  const open: OpenBundleSession = async (component, io, variant, own) => {
    const session = await bundle.createSession(backend, component, {
      ...options,
      ...own,
      ...(variant === undefined ? {} : { variant }),
    });
    sessions.push(session);
    checkSessionIo(session, io, {
      input: `bundle component ${component}`,
      graph: `the ${component} graph`,
      fix: 'convert the bundle again with this version of @joyvasa/model-builder',
    });
    return session;
  };
  try {
    const value = await build(open);
    return { value, sessions, dispose: () => disposeAll(sessions) };
  } catch (error) {
    await disposeAll(sessions).catch(() => undefined);
    throw error;
  }
}
