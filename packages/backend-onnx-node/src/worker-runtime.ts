import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import type { TensorLike } from '@joyvasa/core';
import type { InferenceSession } from 'onnxruntime-node';
import { sessionWorkerSource } from './session-worker-source.js';

/** A tensor as a run request carries it: data, or (for one the worker keeps) only its `keep` id. */
interface WireFeed {
  readonly type: TensorLike['type'];
  readonly dims: readonly number[];
  readonly data?: TensorLike['data'];
  readonly keep?: number;
}

/** The requests `sessionWorkerSource` answers (each also carries a `seq`). */
type WorkerRequest =
  | { readonly op: 'create'; readonly model: Uint8Array; readonly options: InferenceSession.SessionOptions }
  | { readonly op: 'run'; readonly feeds: Record<string, WireFeed>; readonly fetches: readonly string[] }
  | { readonly op: 'drop'; readonly keep: number }
  | { readonly op: 'release' };

type WorkerAnswer =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly message: string };

/** One worker thread hosting one session: requests in, answers out, in order. */
interface SessionWorker {
  request<T>(message: WorkerRequest): Promise<T>;
  /** Ends the thread; pending requests fail. */
  close(): Promise<void>;
}

let runningWorkers = 0;

/** How many session worker threads are running in this process (for tests: none may outlive its session). */
export function runningSessionWorkers(): number {
  return runningWorkers;
}

function startSessionWorker(ortUrl: string): SessionWorker {
  const worker = new Worker(sessionWorkerSource, { eval: true, workerData: { ortUrl } });
  runningWorkers++;
  // An idle session does not keep the process alive; a pending request does.
  worker.unref();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextSeq = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const request of pending.values()) request.reject(failure);
    pending.clear();
  };
  worker.on('message', (answer: WorkerAnswer) => {
    const request = pending.get(answer.seq);
    pending.delete(answer.seq);
    if (pending.size === 0) worker.unref();
    if (answer.ok) request?.resolve(answer.value);
    else request?.reject(new Error(answer.message));
  });
  worker.on('error', failAll);
  worker.once('exit', (code) => {
    runningWorkers--;
    failAll(new Error(`the session's worker thread has ended (exit code ${code})`));
  });
  return {
    request<T>(message: WorkerRequest): Promise<T> {
      if (failure) return Promise.reject(failure);
      const seq = nextSeq++;
      return new Promise<T>((resolve, reject) => {
        pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
        worker.ref();
        worker.postMessage({ ...message, seq });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * The runtime tensor of the worker runtime: the plain tensor, plus what the worker keeps of it. A tensor
 * sent a second time (an uploaded one, fed to every run) is kept by the worker from then on and sent by id
 * only; `dispose` lets the worker drop it.
 */
class WorkerTensor {
  private sends = 0;
  private keptBy: { worker: SessionWorker; keep: number } | undefined;
  constructor(
    readonly type: TensorLike['type'],
    readonly data: TensorLike['data'],
    readonly dims: readonly number[],
  ) {}

  toWire(worker: SessionWorker, nextKeep: () => number): WireFeed {
    const { type, dims, data } = this;
    if (this.keptBy?.worker === worker) return { type, dims, keep: this.keptBy.keep };
    this.sends++;
    if (this.sends < 2 || this.keptBy) return { type, dims, data };
    this.keptBy = { worker, keep: nextKeep() };
    return { type, dims, data, keep: this.keptBy.keep };
  }

  dispose(): void {
    if (!this.keptBy) return;
    // A worker that has ended has nothing left to drop.
    this.keptBy.worker.request({ op: 'drop', keep: this.keptBy.keep }).catch(() => undefined);
    this.keptBy = undefined;
  }
}

/** Where the worker imports onnxruntime-node from: resolved here, so it is the package this one depends on. */
function onnxruntimeNodeUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
}

/**
 * An {@link OrtRuntime} whose sessions each live in a worker thread of their own: creating, running and
 * releasing a session post messages and await the answer, so the calling thread stays free during an
 * inference. Inputs are copied to the worker (they belong to the caller); outputs are transferred back.
 */
export function createWorkerRuntime(): OrtRuntime {
  const ortUrl = onnxruntimeNodeUrl();
  let keeps = 0;
  const nextKeep = () => keeps++;
  const create = async (model: Uint8Array, options: InferenceSession.SessionOptions = {}) => {
    const worker = startSessionWorker(ortUrl);
    let io: Pick<InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>;
    try {
      io = await worker.request({ op: 'create', model, options });
    } catch (error) {
      await worker.close();
      throw error;
    }
    const session = {
      ...io,
      run(feeds: Record<string, WorkerTensor>, fetches: readonly string[]) {
        const wire: Record<string, WireFeed> = {};
        for (const [name, tensor] of Object.entries(feeds)) wire[name] = tensor.toWire(worker, nextKeep);
        return worker.request({ op: 'run', feeds: wire, fetches });
      },
      async release() {
        try {
          await worker.request({ op: 'release' });
        } finally {
          await worker.close();
        }
      },
    };
    return session as unknown as InferenceSession;
  };
  return {
    InferenceSession: { create },
    Tensor: WorkerTensor as unknown as OrtRuntime['Tensor'],
  };
}
