import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RenderJobData, serviceKeys } from '../video-job.js';
import { queueCounters, workerCounters } from '../worker/worker-metrics.js';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function metric(lines: string[], name: string, type: string, help: string, samples: [string, number][]) {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
}

/**
 * The Prometheus text of `/metrics`: jobs by state (from the queue), queue wait (a summary's sum and
 * count), and per worker frames rendered, jobs completed and failed, and render seconds (the sum; divided by
 * the jobs it gives seconds per job).
 */
export async function renderMetrics(queue: Queue<RenderJobData>, redis: Redis): Promise<string> {
  const counts = await queue.getJobCounts(
    'waiting',
    'delayed',
    'prioritized',
    'active',
    'completed',
    'failed',
  );
  const workers = await redis.smembers(serviceKeys.workers);
  const perWorker = await Promise.all(
    workers.sort().map(async (name) => [name, await redis.hgetall(serviceKeys.workerMetrics(name))] as const),
  );
  const wait = await redis.hgetall(serviceKeys.queueMetrics);
  const lines: string[] = [];
  metric(lines, 'joyvasa_jobs', 'gauge', 'Render jobs by BullMQ state.', [
    ...Object.entries(counts).map(([state, count]): [string, number] => [`{state="${state}"}`, count]),
  ]);
  metric(lines, 'joyvasa_queue_wait_seconds', 'summary', 'Time from submission to a worker taking the job.', [
    ['_sum', Number(wait[queueCounters.waitSeconds] ?? 0)],
    ['_count', Number(wait[queueCounters.waits] ?? 0)],
  ]);
  const perWorkerMetric = (name: string, type: string, help: string, field: string) =>
    metric(
      lines,
      name,
      type,
      help,
      perWorker.map(([worker, values]) => [`{worker="${escapeLabel(worker)}"}`, Number(values[field] ?? 0)]),
    );
  perWorkerMetric(
    'joyvasa_frames_rendered_total',
    'counter',
    'Video frames rendered.',
    workerCounters.frames,
  );
  perWorkerMetric('joyvasa_jobs_completed_total', 'counter', 'Jobs completed.', workerCounters.completed);
  perWorkerMetric('joyvasa_jobs_failed_total', 'counter', 'Failed attempts.', workerCounters.failed);
  perWorkerMetric(
    'joyvasa_render_seconds_total',
    'counter',
    'Seconds spent rendering (over jobs completed: seconds per job).',
    workerCounters.renderSeconds,
  );
  return `${lines.join('\n')}\n`;
}
