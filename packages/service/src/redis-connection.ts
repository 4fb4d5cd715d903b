import { InvalidInputError } from '@joyvasa/core';
import { Redis } from 'ioredis';

/** How a client waits between reconnection attempts: quickly at first, then every 2 s, for ever. */
function reconnectDelay(attempt: number): number {
  return Math.min(100 * attempt, 2000);
}

/**
 * Checks a `redis://` or `rediss://` URL.
 *
 * @throws InvalidInputError when it is not one.
 */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInputError('redis', `'${url}' is not a URL; pass redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidInputError('redis', `'${url}' is not a redis:// URL; pass redis://HOST:PORT`);
  }
  return url;
}

/**
 * A Redis client for a worker: commands wait while Redis is away and the client reconnects for ever, as
 * BullMQ workers require (`maxRetriesPerRequest: null`).
 */
export function createWorkerRedis(url: string): Redis {
  return new Redis(checkRedisUrl(url), { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
}

/**
 * A Redis client for the API: while Redis is away, commands fail at once (no offline queue) so requests
 * get a 503 instead of hanging; the client keeps reconnecting in the background.
 */
export function createApiRedis(url: string): Redis {
  return new Redis(checkRedisUrl(url), {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: reconnectDelay,
  });
}
