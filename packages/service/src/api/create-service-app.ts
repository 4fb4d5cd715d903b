import { timingSafeEqual } from 'node:crypto';
import multipart from '@fastify/multipart';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { QueueUnavailableError, UnauthorizedError } from '../errors.js';
import { createApiRedis } from '../redis-connection.js';
import type { VideoStoreV1 } from '../store/video-store.js';
import { type RenderJobData, renderQueueName } from '../video-job.js';
import { createErrorHandler } from './http-errors.js';
import { renderMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { uploadLimits } from './read-upload.js';
import { type RetryPolicy, registerVideoRoutes } from './video-routes.js';

/** Options of {@link renderServicePlugin} and {@link createServiceApp}. */
export interface RenderServiceOptions {
  /** `redis://HOST:PORT` of the queue. */
  readonly redis: string;
  /** Where uploads go and videos are read from (shared with the workers). */
  readonly store: VideoStoreV1;
  /** Bearer tokens accepted on `/v1` routes; none: no authentication. */
  readonly tokens?: readonly string[];
  /** Retries of transient failures. Default 3 attempts, 2 s first backoff (doubling). */
  readonly retry?: Partial<RetryPolicy>;
}

function tokenMatches(header: string | undefined, tokens: readonly string[]): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  return tokens.some((token) => {
    const wanted = Buffer.from(token);
    return wanted.length === given.length && timingSafeEqual(wanted, given);
  });
}

/**
 * The render service's routes as a Fastify plugin, so that it can be mounted beside other routes (a live
 * session, an app's own): `/v1/videos…`, `/v1/openapi.json`, `/healthz`, `/metrics`. It opens its own Redis
 * client and BullMQ queue and closes them with the app.
 */
export const renderServicePlugin: FastifyPluginAsync<RenderServiceOptions> = async (app, options) => {
  const redis: Redis = createApiRedis(options.redis);
  redis.on('error', () => {});
  const queue = new Queue<RenderJobData>(renderQueueName, { connection: redis });
  queue.on('error', () => {});
  const ready = () => redis.status === 'ready';
  app.addHook('onClose', async () => {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  });
  app.setErrorHandler(createErrorHandler(ready));
  await app.register(multipart, {
    limits: { fileSize: Math.max(uploadLimits.image, uploadLimits.audio), files: 2, fields: 1, parts: 3 },
  });
  const tokens = options.tokens ?? [];
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    if (tokens.length > 0 && !tokenMatches(request.headers.authorization, tokens)) {
      throw new UnauthorizedError('send Authorization: Bearer <token> with one of the service tokens');
    }
    if (!ready() && request.url !== '/v1/openapi.json') {
      throw new QueueUnavailableError('the queue (Redis) cannot be reached; retry shortly');
    }
  });
  app.get('/v1/openapi.json', async () => openApiDocument());
  app.get('/healthz', async (_request, reply) => {
    const ok = ready() && (await redis.ping().catch(() => '')) === 'PONG';
    return reply.status(ok ? 200 : 503).send(ok ? { status: 'ok' } : { status: 'redis unreachable' });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(await renderMetrics(queue, redis)),
  );
  registerVideoRoutes(app, {
    queue,
    redis,
    store: options.store,
    retry: { attempts: options.retry?.attempts ?? 3, backoffMs: options.retry?.backoffMs ?? 2000 },
  });
};

/**
 * A Fastify app with the render service (see {@link renderServicePlugin}); call `listen` to serve it. Pass
 * `fastify` options (a logger, for example) through `server`.
 */
export async function createServiceApp(
  options: RenderServiceOptions & { readonly server?: FastifyServerOptions },
): Promise<FastifyInstance> {
  const app = Fastify(options.server ?? {});
  await app.register(renderServicePlugin, options);
  return app;
}
