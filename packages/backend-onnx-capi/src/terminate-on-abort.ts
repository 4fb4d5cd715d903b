import type { OrtRuntime } from './ort-runtime.js';

/**
 * Runs a native run that uses `runOptions`, setting their terminate flag (`RunOptionsSetTerminate`, meant
 * to be called while another thread runs) when `signal` aborts, so that a long run stops early; the flag is
 * cleared again afterwards, whatever happened, so the next run of the session is not stopped too.
 */
export async function terminateOnAbort<T>(
  runtime: OrtRuntime,
  runOptions: bigint,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (!signal) return run();
  const terminate = () => runtime.call('RunOptionsSetTerminate', runOptions);
  if (signal.aborted) terminate();
  signal.addEventListener('abort', terminate, { once: true });
  try {
    return await run();
  } finally {
    signal.removeEventListener('abort', terminate);
    runtime.call('RunOptionsUnsetTerminate', runOptions);
  }
}
