import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  decodeJobError,
  type RenderJobData,
  type RenderProgress,
  serviceKeys,
  type VideoState,
  type VideoStatus,
} from '../video-job.js';

/** What `DELETE` leaves in Redis so that a cancelled video still answers `GET` with `cancelled`. */
export interface CancelledMarker {
  readonly cancelledAt: number;
  readonly createdAt: number;
}

const queuedStates = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

function progressOf(job: Job | undefined): RenderProgress {
  const progress = job?.progress as Partial<RenderProgress> | undefined;
  return {
    frames: typeof progress?.frames === 'number' ? progress.frames : 0,
    totalFrames: typeof progress?.totalFrames === 'number' ? progress.totalFrames : 0,
    ...(typeof progress?.fps === 'number' ? { fps: progress.fps } : {}),
  };
}

function iso(time: number | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString();
}

/** The cancelled marker of video `id`, if it was cancelled. */
export async function cancelledMarker(redis: Redis, id: string): Promise<CancelledMarker | undefined> {
  const text = await redis.get(serviceKeys.cancelled(id));
  return text ? (JSON.parse(text) as CancelledMarker) : undefined;
}

/**
 * The status of video `id` from its BullMQ job and cancelled marker, or undefined when there is neither.
 * A job that is retried after a failed attempt is `queued` again; a cancelled job that is still stopping
 * stays `active` until its worker has stopped it.
 */
export async function videoStatus(
  queue: Queue<RenderJobData>,
  redis: Redis,
  id: string,
): Promise<VideoStatus | undefined> {
  const [job, marker] = await Promise.all([
    queue.getJob(id) as Promise<Job<RenderJobData> | undefined>,
    cancelledMarker(redis, id),
  ]);
  if (!job) {
    if (!marker) return undefined;
    return {
      id,
      state: 'cancelled',
      progress: progressOf(undefined),
      createdAt: iso(marker.createdAt)!,
      finishedAt: iso(marker.cancelledAt)!,
    };
  }
  const jobState = await job.getState();
  let state: VideoState = queuedStates.has(jobState) ? 'queued' : (jobState as VideoState);
  if (jobState === 'unknown') state = 'queued';
  if (marker && state !== 'active' && state !== 'completed') state = 'cancelled';
  const finished = state === 'completed' || state === 'failed' || state === 'cancelled';
  return {
    id,
    state,
    progress: progressOf(job),
    ...(state === 'failed' ? { error: decodeJobError(job.failedReason ?? '') } : {}),
    createdAt: iso(job.timestamp)!,
    ...(finished ? { finishedAt: iso(job.finishedOn ?? marker?.cancelledAt ?? Date.now())! } : {}),
  };
}

/** True for the states after which a video does not change. */
export function isFinal(state: VideoState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}
