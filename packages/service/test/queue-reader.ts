/** A read-only look at the BullMQ jobs behind the API, for assertions the HTTP answers do not carry. */
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type RenderJobData, renderQueueName } from '../src/video-job.js';

/** Opens the render queue on `url`; `close` when done. */
export function openQueue(url: string): {
  job(id: string): Promise<Job<RenderJobData>>;
  close(): Promise<void>;
} {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => {});
  const queue = new Queue<RenderJobData>(renderQueueName, { connection });
  queue.on('error', () => {});
  return {
    async job(id) {
      const job = (await queue.getJob(id)) as Job<RenderJobData> | undefined;
      if (!job) throw new Error(`no job ${id}`);
      return job;
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
