import { hostname } from 'node:os';
import type { AnimationMode, BackendV1, DeviceRequest, EventListener, ModelStore } from '@joyvasa/core';
import { createTalkingHead, type NodeTalkingHead } from '@joyvasa/pipeline/node';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { RenderCancelledError } from '../errors.js';
import { createWorkerRedis } from '../redis-connection.js';
import type { VideoStoreV1 } from '../store/video-store.js';
import {
  encodeJobError,
  type RenderJobData,
  type RenderJobResult,
  type RenderProgress,
  renderQueueName,
  serviceKeys,
} from '../video-job.js';
import { classifyRenderError, errorSummary } from './classify-render-error.js';
import { renderJob } from './render-job.js';
import { recordJob, recordQueueWait } from './worker-metrics.js';

/** Options of {@link startRenderWorker}. */
export interface RenderWorkerOptions {
  /** `redis://HOST:PORT` of the queue. */
  readonly redis: string;
  /** Where uploads are read and videos written (shared with the API). */
  readonly store: VideoStoreV1;
  /** The model bundle (a folder or URL), loaded once and kept across jobs. */
  readonly models: string;
  /** Cache for model files (see `createTalkingHead`). */
  readonly modelStore?: ModelStore;
  /** The runtime; default onnxruntime-node. */
  readonly backend?: BackendV1;
  /** Default `'auto'`. */
  readonly device?: DeviceRequest;
  /** Jobs rendered at once by this worker. Default 1 (one worker per GPU renders one video at a time). */
  readonly concurrency?: number;
  /** Name in metrics and logs. Default `<host>-<pid>`. */
  readonly name?: string;
  /**
   * Seconds after which a job whose worker stopped answering (killed, frozen) is given to another worker.
   * Default 10.
   */
  readonly stallSeconds?: number;
  /** Model-loading events and one line per job. */
  readonly onEvent?: EventListener;
  readonly onLog?: (line: string) => void;
}

/** A running worker. */
export interface RenderWorker {
  readonly name: string;
  /**
   * Stops taking jobs. By default the current ones finish first; with `handBack` they are stopped and put
   * back in the queue for another worker.
   */
  close(options?: { readonly handBack?: boolean }): Promise<void>;
  /** Resolves when the worker has stopped: `device-failed` when its device failed (see `classifyRenderError`). */
  readonly stopped: Promise<'closed' | 'device-failed'>;
}

/** How often a job's progress is written to Redis at most, in milliseconds. */
const progressIntervalMs = 250;

function throttledProgress(job: Job): (progress: RenderProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < progressIntervalMs && progress.frames < progress.totalFrames) return;
    last = now;
    void job.updateProgress(progress as unknown as object).catch(() => undefined);
  };
}

/** The result of a job whose video was already complete: the frames its last progress reported. */
function alreadyRendered(job: Job, worker: string): RenderJobResult {
  const frames = (job.progress as Partial<RenderProgress> | undefined)?.totalFrames ?? 0;
  return { frames, durationSeconds: frames / 25, renderSeconds: 0, worker };
}

/**
 * Starts a BullMQ worker on the render queue: it loads its talking head once (one per mode, the animal one
 * on first use), renders each job with `generate()` into the store, reports frame progress to the job, and
 * stops a render when the API cancels it (through `generate()`'s AbortSignal, within one render batch).
 */
export async function startRenderWorker(options: RenderWorkerOptions): Promise<RenderWorker> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const lockMs = (options.stallSeconds ?? 10) * 1000;
  const heads = new Map<AnimationMode, Promise<NodeTalkingHead>>();
  const headFor = (mode: AnimationMode) => {
    let head = heads.get(mode);
    if (!head) {
      head = createTalkingHead({
        models: options.models,
        mode,
        ...(options.device ? { device: options.device } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.modelStore ? { store: options.modelStore } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      heads.set(mode, head);
    }
    return head;
  };
  await headFor('human');

  const redis = createWorkerRedis(options.redis);
  const subscriber = createWorkerRedis(options.redis);
  const handBack = new AbortController();
  let deviceFailed = false;
  let worker: Worker<RenderJobData, RenderJobResult> | undefined;

  const processor = async (
    job: Job<RenderJobData, RenderJobResult>,
    token?: string,
    signal?: AbortSignal,
  ) => {
    const id = job.id!;
    if (await redis.exists(serviceKeys.cancelled(id))) {
      throw new UnrecoverableError(encodeJobError(new RenderCancelledError(id)));
    }
    if (job.attemptsMade === 0) await recordQueueWait(redis, (Date.now() - job.timestamp) / 1000);
    const stop = AbortSignal.any([handBack.signal, ...(signal ? [signal] : [])]);
    const started = performance.now();
    try {
      const rendered = await renderJob({
        id,
        data: job.data,
        head: await headFor(job.data.mode),
        store: options.store,
        worker: name,
        signal: stop,
        onProgress: throttledProgress(job),
      });
      const result = rendered ?? alreadyRendered(job, name);
      await job.updateProgress({ frames: result.frames, totalFrames: result.frames });
      await options.store.removeInputs(id);
      await recordJob(redis, name, {
        completed: true,
        frames: result.frames,
        renderSeconds: result.renderSeconds,
      });
      options.onLog?.(
        `${name}: ${id} completed, ${result.frames} frames in ${result.renderSeconds.toFixed(1)} s`,
      );
      return result;
    } catch (error) {
      const renderSeconds = (performance.now() - started) / 1000;
      if (handBack.signal.aborted && !signal?.aborted) {
        await job.moveToWait(token);
        options.onLog?.(`${name}: ${id} handed back`);
        throw new WaitingError();
      }
      await recordJob(redis, name, { completed: false, frames: 0, renderSeconds });
      throw failureFor(id, error, signal?.aborted === true);
    }
  };

  const failureFor = (id: string, error: unknown, cancelled: boolean): Error => {
    if (cancelled) {
      void options.store.removeInputs(id);
      return new UnrecoverableError(encodeJobError(new RenderCancelledError(id)));
    }
    const kind = classifyRenderError(error);
    const reason = encodeJobError(errorSummary(error));
    options.onLog?.(`${name}: ${id} failed (${kind}): ${reason}`);
    if (kind === 'permanent') {
      void options.store.removeInputs(id);
      return new UnrecoverableError(reason);
    }
    if (kind === 'worker' && !deviceFailed) {
      deviceFailed = true;
      // Stop taking jobs: this one goes back to the queue (retried with backoff) for a healthy worker.
      void worker?.close();
    }
    return new Error(reason);
  };

  worker = new Worker<RenderJobData, RenderJobResult>(renderQueueName, processor, {
    connection: redis,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, lockMs / 2),
    maxStalledCount: 3,
    name,
  });
  worker.on('error', (error) => options.onLog?.(`${name}: redis: ${error.message}`));

  await subscriber.subscribe(serviceKeys.cancelChannel);
  subscriber.on('message', (_channel, id: string) => worker?.cancelJob(id, 'cancelled'));

  const stopped = new Promise<'closed' | 'device-failed'>((resolve) => {
    worker!.on('closed', () => resolve(deviceFailed ? 'device-failed' : 'closed'));
  });
  const release = stopped.then(async () => {
    subscriber.disconnect();
    await Promise.all([...heads.values()].map(async (head) => (await head).dispose()));
    redis.disconnect();
  });
  await worker.waitUntilReady();
  options.onLog?.(`${name}: ready on ${renderQueueName}`);
  return {
    name,
    stopped: release.then(() => stopped),
    async close(closeOptions = {}) {
      if (closeOptions.handBack) handBack.abort();
      await worker!.close();
      await release;
    },
  };
}
