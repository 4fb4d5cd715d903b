import { Worker } from 'node:worker_threads';
import { fuzzTargets } from './fuzz-targets.js';
import type { CaseOutcome, CaseRequest } from './fuzz-worker.js';

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Seed of every case; the same seed gives the same cases. */
  readonly seed: number;
  /** Cases per target; default unbounded (then `seconds` bounds the run). */
  readonly casesPerTarget?: number;
  /** Wall-clock budget of the whole run, in seconds. Default unbounded (then `casesPerTarget` bounds it). */
  readonly seconds?: number;
  /** A case still running after this many milliseconds is a hang: its worker is killed. Default 10000. */
  readonly deadlineMs?: number;
  /** Target names to fuzz; default all. */
  readonly targets?: readonly string[];
  /** Called after every case. */
  readonly onCase?: (request: CaseRequest, outcome: CaseOutcome | 'hang') => void;
}

/** A case that failed the bar, with what reproduces it. */
export interface FuzzFinding extends CaseRequest {
  readonly message: string;
}

/** Counts of one target. */
export interface FuzzCounts {
  cases: number;
  ok: number;
  typed: number;
  untyped: number;
  hangs: number;
}

/** What {@link runFuzz} found. */
export interface FuzzReport {
  readonly seed: number;
  readonly seconds: number;
  readonly totals: FuzzCounts;
  readonly byTarget: Readonly<Record<string, FuzzCounts>>;
  /** Untyped errors (bugs): each with its target, seed and index. */
  readonly untyped: readonly FuzzFinding[];
  readonly hangs: readonly FuzzFinding[];
  readonly slowest?: CaseRequest & { readonly ms: number };
}

const counts = (): FuzzCounts => ({ cases: 0, ok: 0, typed: 0, untyped: 0, hangs: 0 });

/** Runs cases one at a time in a worker thread, which is replaced when a case passes its deadline. */
class CaseRunner {
  #worker: Worker | undefined;
  constructor(private readonly deadlineMs: number) {}

  /** A started worker that has loaded every target. */
  async #ready(): Promise<Worker> {
    if (this.#worker) return this.#worker;
    // The boot file registers tsx; the source condition makes the packages resolve to their TypeScript.
    const worker = new Worker(new URL('./fuzz-worker-boot.mjs', import.meta.url), {
      execArgv: ['--conditions=@joyvasa/source'],
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    this.#worker = worker;
    return worker;
  }

  async run(request: CaseRequest): Promise<CaseOutcome | 'hang'> {
    const worker = await this.#ready();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.#worker = undefined;
        void worker.terminate().then(() => resolve('hang'));
      }, this.deadlineMs);
      const onMessage = (outcome: CaseOutcome) => {
        cleanup();
        resolve(outcome);
      };
      const onError = (error: Error) => {
        cleanup();
        this.#worker = undefined;
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/**
 * Fuzzes every target (or `options.targets`) round-robin until `casesPerTarget` or `seconds` is reached,
 * each case with a deadline. Returns counts, every untyped error and hang (reproducible from seed and
 * index), and the slowest case.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const targets = fuzzTargets.filter((t) => !options.targets || options.targets.includes(t.name));
  const runner = new CaseRunner(options.deadlineMs ?? 10_000);
  const started = performance.now();
  const endAt = started + (options.seconds ?? Number.POSITIVE_INFINITY) * 1000;
  const limit = options.casesPerTarget ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(limit) && !Number.isFinite(endAt)) throw new Error('give casesPerTarget or seconds');
  const byTarget = Object.fromEntries(targets.map((t) => [t.name, counts()]));
  const totals = counts();
  const untyped: FuzzFinding[] = [];
  const hangs: FuzzFinding[] = [];
  let slowest: FuzzReport['slowest'];
  try {
    for (let index = 0; index < limit && performance.now() < endAt; index++) {
      for (const target of targets) {
        const request = { target: target.name, seed: options.seed, index };
        const outcome = await runner.run(request);
        options.onCase?.(request, outcome);
        for (const tally of [byTarget[target.name]!, totals]) {
          tally.cases++;
          if (outcome === 'hang') tally.hangs++;
          else tally[outcome.outcome]++;
        }
        if (outcome === 'hang')
          hangs.push({ ...request, message: `no answer within ${options.deadlineMs ?? 10_000} ms` });
        else if (outcome.outcome === 'untyped') untyped.push({ ...request, message: outcome.message ?? '' });
        if (outcome !== 'hang' && (!slowest || outcome.ms > slowest.ms))
          slowest = { ...request, ms: outcome.ms };
      }
    }
  } finally {
    await runner.close();
  }
  return {
    seed: options.seed,
    seconds: (performance.now() - started) / 1000,
    totals,
    byTarget,
    untyped,
    hangs,
    ...(slowest ? { slowest } : {}),
  };
}
