/**
 * A backend wrapper for benchmarks: every session it creates records, per component name, how many runs it
 * made, their wall time and the bytes that crossed between host and session (plain feeds in, outputs back).
 * Uses only `BackendV1` / `SessionV1` members that every SDK version has, so that the same measuring code
 * runs against today's SDK and the baseline's (bench-gpu.ts bundles it against both).
 */
import type { BackendV1, SessionV1 } from '@joyvasa/core';

/** What one component's sessions did since the last reset. */
export interface ComponentTotals {
  runs: number;
  ms: number;
  bytesIn: number;
  bytesOut: number;
}

/** A timed backend and its running totals. */
export interface TimedBackend {
  readonly backend: BackendV1;
  /** Totals per component (session name), since the last `reset`. */
  totals(): Record<string, ComponentTotals>;
  reset(): void;
}

const bytesOf = (value: unknown): number => {
  const data = (value as { data?: ArrayBufferView }).data;
  if (data) return data.byteLength;
  // A held device tensor: its bytes cross once per run on runtimes with no device memory of their own.
  const dims = (value as { dims?: readonly number[] }).dims ?? [];
  return 4 * dims.reduce((a, b) => a * b, 1);
};

/** Wraps `backend` so that every session records its runs under its name. */
export function createTimedBackend(backend: BackendV1): TimedBackend {
  let totals: Record<string, ComponentTotals> = {};
  const record = (name: string) => {
    totals[name] ??= { runs: 0, ms: 0, bytesIn: 0, bytesOut: 0 };
    return totals[name]!;
  };
  const wrap = (session: SessionV1, name: string): SessionV1 => {
    const timed: SessionV1 = {
      ...session,
      async run(feeds, options) {
        const start = performance.now();
        const outputs = await session.run(feeds, options);
        const entry = record(name);
        entry.ms += performance.now() - start;
        entry.runs++;
        for (const feed of Object.values(feeds)) entry.bytesIn += bytesOf(feed);
        for (const output of Object.values(outputs)) entry.bytesOut += bytesOf(output);
        return outputs;
      },
      dispose: () => session.dispose(),
    };
    // `upload` and `runToDevice` are optional: kept only where the session has them (a class's methods are
    // not copied by the spread above).
    if (session.upload) timed.upload = (tensor) => session.upload!(tensor);
    if (session.runToDevice) {
      timed.runToDevice = async (feeds, options) => {
        const start = performance.now();
        const kept = await session.runToDevice!(feeds, options);
        const entry = record(name);
        entry.ms += performance.now() - start;
        entry.runs++;
        for (const feed of Object.values(feeds)) if ('data' in feed) entry.bytesIn += bytesOf(feed);
        return kept;
      };
    }
    return timed;
  };
  return {
    backend: {
      ...backend,
      supportedDevices: () => backend.supportedDevices(),
      resolveDevice: (request, onEvent) => backend.resolveDevice(request, onEvent),
      async createSession(model, options) {
        return wrap(await backend.createSession(model, options), options?.name ?? 'session');
      },
    },
    totals: () => totals,
    reset() {
      totals = {};
    },
  };
}
