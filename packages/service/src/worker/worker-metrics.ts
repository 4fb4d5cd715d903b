import type { Redis } from 'ioredis';
import { serviceKeys } from '../video-job.js';

/** Counter names of a worker's metrics hash (read by the API's `/metrics`). */
export const workerCounters = {
  completed: 'jobs_completed',
  failed: 'jobs_failed',
  frames: 'frames_rendered',
  renderSeconds: 'render_seconds_sum',
} as const;

/** Counter names of the queue-wide metrics hash. */
export const queueCounters = { waitSeconds: 'queue_wait_seconds_sum', waits: 'queue_wait_count' } as const;

/** Adds one finished job to worker `name`'s counters. Best effort: a metrics write never fails a job. */
export async function recordJob(
  redis: Redis,
  name: string,
  outcome: { completed: boolean; frames: number; renderSeconds: number },
): Promise<void> {
  const key = serviceKeys.workerMetrics(name);
  await redis
    .multi()
    .sadd(serviceKeys.workers, name)
    .hincrby(key, outcome.completed ? workerCounters.completed : workerCounters.failed, 1)
    .hincrby(key, workerCounters.frames, outcome.frames)
    .hincrbyfloat(key, workerCounters.renderSeconds, outcome.renderSeconds)
    .exec()
    .catch(() => undefined);
}

/** Adds how long a job waited in the queue before a worker took it. */
export async function recordQueueWait(redis: Redis, seconds: number): Promise<void> {
  await redis
    .multi()
    .hincrbyfloat(serviceKeys.queueMetrics, queueCounters.waitSeconds, seconds)
    .hincrby(serviceKeys.queueMetrics, queueCounters.waits, 1)
    .exec()
    .catch(() => undefined);
}
