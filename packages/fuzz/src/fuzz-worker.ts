import { parentPort } from 'node:worker_threads';
import { JoyvasaError } from '@joyvasa/core';
import { caseRng } from './fuzz-rng.js';
import { fuzzTargets } from './fuzz-targets.js';

/** A case to run: which target, and the (seed, index) its input is generated from. */
export interface CaseRequest {
  readonly target: string;
  readonly seed: number;
  readonly index: number;
}

/** How a case ended: `ok` (accepted), `typed` (a JoyvasaError), `untyped` (anything else: a bug). */
export interface CaseOutcome {
  readonly outcome: 'ok' | 'typed' | 'untyped';
  /** Milliseconds the entry point took (generation not counted). */
  readonly ms: number;
  /** The error's class and first line, for typed and untyped errors. */
  readonly message?: string;
  readonly stack?: string;
}

/** Generates and runs one case; never throws. */
export async function runCase(request: CaseRequest): Promise<CaseOutcome> {
  const target = fuzzTargets.find((candidate) => candidate.name === request.target);
  if (!target) return { outcome: 'untyped', ms: 0, message: `no fuzz target ${request.target}` };
  const input = await target.generate(caseRng(request.target, request.seed, request.index));
  const started = performance.now();
  try {
    await target.run(input);
    return { outcome: 'ok', ms: performance.now() - started };
  } catch (error) {
    const ms = performance.now() - started;
    const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    if (JoyvasaError.isInstance(error)) return { outcome: 'typed', ms, message };
    return {
      outcome: 'untyped',
      ms,
      message,
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    };
  }
}

parentPort?.on('message', (request: CaseRequest) => {
  void runCase(request).then((outcome) => parentPort?.postMessage(outcome));
});
// Loaded: the runner starts a case's deadline only now, so a slow start is never taken for a hang.
parentPort?.postMessage('ready');
