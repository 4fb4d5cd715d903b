import { MissingDependencyError } from '@joyvasa/core';
import { isModuleNotFound } from '@joyvasa/core/node';

/** The part of `@joyvasa/service` the CLI uses; loaded only by `serve` and `worker`. */
export type ServiceModule = typeof import('@joyvasa/service');

/**
 * Imports `@joyvasa/service`, an optional peer dependency of the CLI: people who only animate do not
 * install Fastify, BullMQ and a Redis client.
 *
 * @throws MissingDependencyError naming the package when it is not installed.
 */
export async function loadService(
  load: () => Promise<ServiceModule> = () => import('@joyvasa/service'),
): Promise<ServiceModule> {
  try {
    return await load();
  } catch (cause) {
    if (!isModuleNotFound(cause)) throw cause;
    throw new MissingDependencyError(
      '@joyvasa/service',
      '`joyvasa serve` and `joyvasa worker` run the render service: install it with `npm install @joyvasa/service`',
      { cause },
    );
  }
}
