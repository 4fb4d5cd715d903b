import { hostname } from 'node:os';
import type { AnimationMode, BackendV1, DeviceRequest, EventListener, ModelStore } from '@joyvasa/core';
import { createTalkingHead, type NodeTalkingHead } from '@joyvasa/pipeline/node';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
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

/**
 * The result of a job whose video was already complete: the frames and rate its last progress reported
 * (a progress without a rate gives a duration of 0 rather than a guessed one).
 */
function alreadyRendered(job: Job, worker: string): RenderJobResult {
  const { totalFrames: frames = 0, fps } = (job.progress as Partial<RenderProgress> | undefined) ?? {};
  return { frames, durationSeconds: fps ? frames / fps : 0, renderSeconds: 0, worker };
}

/** One talking head per mode, loaded on first use and kept; `dispose` frees them all. */
function headCache(options: RenderWorkerOptions) {
  const heads = new Map<AnimationMode, Promise<NodeTalkingHead>>();
  return {
    get(mode: AnimationMode): Promise<NodeTalkingHead> {
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
    },
    async dispose() {
      await Promise.all([...heads.values()].map(async (head) => (await head).dispose()));
    },
  };
}

/** What the job processor needs from its worker. */
interface ProcessorContext {
  readonly options: RenderWorkerOptions;
  readonly name: string;
  readonly redis: Redis;
  readonly heads: ReturnType<typeof headCache>;
  /** Aborted to hand the current jobs back (a second stop signal). */
  readonly handBack: AbortSignal;
  /** Called once this worker's device or environment has failed (see `classifyRenderError`). */
  readonly onWorkerFailure: () => void;
}

/** The error a failed render leaves on its job: unrecoverable for cancels and bad input, retried otherwise. */
function jobFailure(context: ProcessorContext, id: string, error: unknown, cancelled: boolean): Error {
  const { options, name } = context;
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
  if (kind === 'worker') context.onWorkerFailure();
  return new Error(reason);
}

/** The BullMQ processor: one job rendered into the store, with progress, cancel and hand-back. */
function renderProcessor(context: ProcessorContext) {
  const { options, name, redis } = context;
  return async (job: Job<RenderJobData, RenderJobResult>, token?: string, signal?: AbortSignal) => {
    const id = job.id!;
    if (await redis.exists(serviceKeys.cancelled(id))) {
      throw new UnrecoverableError(encodeJobError(new RenderCancelledError(id)));
    }
    if (job.attemptsMade === 0) await recordQueueWait(redis, (Date.now() - job.timestamp) / 1000);
    const started = performance.now();
    try {
      const rendered = await renderJob({
        id,
        data: job.data,
        head: await context.heads.get(job.data.mode),
        store: options.store,
        worker: name,
        signal: AbortSignal.any([context.handBack, ...(signal ? [signal] : [])]),
        onProgress: throttledProgress(job),
      });
      const result = rendered ?? alreadyRendered(job, name);
      const { fps } = (job.progress as Partial<RenderProgress> | undefined) ?? {};
      await job.updateProgress({
        frames: result.frames,
        totalFrames: result.frames,
        ...(fps ? { fps } : {}),
      });
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
      if (context.handBack.aborted && !signal?.aborted) {
        await job.moveToWait(token);
        options.onLog?.(`${name}: ${id} handed back`);
        throw new WaitingError();
      }
      await recordJob(redis, name, {
        completed: false,
        frames: 0,
        renderSeconds: (performance.now() - started) / 1000,
      });
      throw jobFailure(context, id, error, signal?.aborted === true);
    }
  };
}

/**
 * Starts a BullMQ worker on the render queue: it loads its talking head once (one per mode, the animal one
 * on first use), renders each job with `generate()` into the store, reports frame progress to the job, and
 * stops a render when the API cancels it (through `generate()`'s AbortSignal, within one render batch).
 */
export async function startRenderWorker(options: RenderWorkerOptions): Promise<RenderWorker> {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const lockMs = (options.stallSeconds ?? 10) * 1000;
  const heads = headCache(options);
  await heads.get('human');
  const redis = createWorkerRedis(options.redis);
  const subscriber = createWorkerRedis(options.redis);
  // Both reconnect by themselves (the subscriber subscribes again); the worker's own 'error' logs the outage.
  redis.on('error', () => {});
  subscriber.on('error', () => {});
  const handBack = new AbortController();
  let deviceFailed = false;
  const processor = renderProcessor({
    options,
    name,
    redis,
    heads,
    handBack: handBack.signal,
    onWorkerFailure: () => {
      if (deviceFailed) return;
      deviceFailed = true;
      // Stop taking jobs: this one goes back to the queue (retried with backoff) for a healthy worker.
      void worker.close();
    },
  });
  const worker = new Worker<RenderJobData, RenderJobResult>(renderQueueName, processor, {
    connection: redis,
    concurrency: options.concurrency ?? 1,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, lockMs / 2),
    maxStalledCount: 3,
    name,
  });
  worker.on('error', (error) => options.onLog?.(`${name}: redis: ${error.message}`));
  await subscriber.subscribe(serviceKeys.cancelChannel);
  subscriber.on('message', (_channel, id: string) => worker.cancelJob(id, 'cancelled'));
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  const released = closed.then(async () => {
    subscriber.disconnect();
    await heads.dispose();
    redis.disconnect();
    return deviceFailed ? ('device-failed' as const) : ('closed' as const);
  });
  await worker.waitUntilReady();
  options.onLog?.(`${name}: ready on ${renderQueueName}`);
  return {
    name,
    stopped: released,
    async close(closeOptions = {}) {
      if (closeOptions.handBack) handBack.abort();
      await worker.close();
      await released;
    },
  };
}
