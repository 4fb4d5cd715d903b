import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { VideoNotFoundError } from '../errors.js';
import { parseHttpOptions } from '../http-options.js';
import type { VideoStoreV1 } from '../store/video-store.js';
import { cancelledMarkerSeconds, type RenderJobData, serviceKeys } from '../video-job.js';
import { readVideoUpload, videoIdFor } from './read-upload.js';
import { routeSchemas } from './route-schemas.js';
import { streamVideoEvents } from './video-events.js';
import { sendVideoFile } from './video-file.js';
import { cancelledMarker, videoStatus } from './video-status.js';

/** Retries of a render after a transient failure: attempts in all and the first backoff. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3. */
  readonly attempts: number;
  /** Delay before the first retry in ms, doubled for each next one. Default 2000. */
  readonly backoffMs: number;
}

/** What the video routes share. */
export interface VideoRoutesContext {
  readonly queue: Queue<RenderJobData>;
  readonly redis: Redis;
  readonly store: VideoStoreV1;
  readonly retry: RetryPolicy;
}

/** How long finished jobs stay answerable, in seconds. */
const keepFinishedSeconds = cancelledMarkerSeconds;

async function statusOrThrow(context: VideoRoutesContext, id: string) {
  const status = await videoStatus(context.queue, context.redis, id);
  if (!status) throw new VideoNotFoundError(id);
  return status;
}

async function cancel(context: VideoRoutesContext, id: string, reply: FastifyReply) {
  const { queue, redis, store } = context;
  const job = await queue.getJob(id);
  const marker = await cancelledMarker(redis, id);
  if (!job && !marker) throw new VideoNotFoundError(id);
  if (job && !marker) {
    const value = JSON.stringify({ cancelledAt: Date.now(), createdAt: job.timestamp });
    await redis.set(serviceKeys.cancelled(id), value, 'EX', keepFinishedSeconds);
  }
  const state = job ? await job.getState() : 'unknown';
  if (state === 'active') {
    await redis.publish(serviceKeys.cancelChannel, id);
  } else if (job) {
    await job.remove().catch(async () => {
      // Taken by a worker meanwhile: the worker sees the marker, or the message stops it.
      await redis.publish(serviceKeys.cancelChannel, id);
    });
    await store.removeInputs(id);
    await store.removeVideo(id);
  }
  return reply.status(202).send(await statusOrThrow(context, id));
}

/** `POST /v1/videos`, `GET /v1/videos/:id` (and `/events`, `/file`), `DELETE /v1/videos/:id`. */
export function registerVideoRoutes(app: FastifyInstance, context: VideoRoutesContext): void {
  const { queue, store, retry } = context;

  app.post('/v1/videos', { schema: routeSchemas.createVideo }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const id = videoIdFor(typeof key === 'string' && key ? key : undefined);
    if (key && (await videoStatus(queue, context.redis, id))) {
      for await (const part of request.parts()) if (part.type === 'file') part.file.resume();
      return reply.status(202).send({ id });
    }
    const upload = await readVideoUpload(request, store, id);
    try {
      const { options, animal } = parseHttpOptions(upload.optionsText);
      await queue.add(
        'render',
        { inputs: upload.inputs, options, mode: animal ? 'animal' : 'human' },
        {
          jobId: id,
          attempts: retry.attempts,
          backoff: { type: 'exponential', delay: retry.backoffMs },
          removeOnComplete: { age: keepFinishedSeconds },
          removeOnFail: { age: keepFinishedSeconds },
        },
      );
    } catch (error) {
      await store.removeInputs(id);
      throw error;
    }
    return reply.status(202).send({ id });
  });

  app.get<{ Params: { id: string } }>('/v1/videos/:id', { schema: routeSchemas.getVideo }, (request) =>
    statusOrThrow(context, request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/videos/:id/events',
    { schema: routeSchemas.videoEvents },
    async (request, reply) => {
      await statusOrThrow(context, request.params.id);
      return streamVideoEvents(request, reply, () => videoStatus(queue, context.redis, request.params.id));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/videos/:id/file',
    { schema: routeSchemas.videoFile },
    async (request, reply) => {
      const { id } = request.params;
      const bytes = await store.videoBytes(id);
      if (bytes === undefined) {
        await statusOrThrow(context, id);
        throw new VideoNotFoundError(id, `video ${id} is not complete yet; GET /v1/videos/${id} says when`);
      }
      return sendVideoFile(request, reply, store, id, bytes);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/videos/:id',
    { schema: routeSchemas.getVideo },
    (request, reply) => cancel(context, request.params.id, reply),
  );
}
