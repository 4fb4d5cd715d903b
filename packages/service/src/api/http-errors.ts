import { JoyvasaError } from '@joyvasa/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LiveCapacityError, QueueUnavailableError } from '../errors.js';

/** The body of every error answer: the SDK's typed error name and its message. */
export interface ErrorBody {
  readonly error: { readonly name: string; readonly message: string };
}

/** JSON Schema of {@link ErrorBody}. */
export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['name', 'message'],
      properties: { name: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

const statusByName: Readonly<Record<string, number>> = {
  UnauthorizedError: 401,
  VideoNotFoundError: 404,
  LiveSessionNotFoundError: 404,
  LiveCapacityError: 503,
  UploadTooLargeError: 413,
  QueueUnavailableError: 503,
};

/** The HTTP status of an error the routes throw: typed errors by class, Fastify's by their own code. */
function statusOf(error: unknown): number {
  if (JoyvasaError.isInstance(error)) return statusByName[error.name] ?? 400;
  const status = (error as FastifyError).statusCode;
  return typeof status === 'number' && status >= 400 ? status : 500;
}

/** An error as an answer body; Fastify's validation and parsing errors are invalid input. */
function bodyOf(error: unknown, status: number): ErrorBody {
  if (JoyvasaError.isInstance(error)) return { error: { name: error.name, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  if (status === 413) return { error: { name: 'UploadTooLargeError', message } };
  if (status < 500) return { error: { name: 'InvalidInputError', message } };
  return { error: { name: 'InternalError', message: 'unexpected failure (see the server log)' } };
}

/**
 * Fastify's error handler for the service: typed JSON errors (`{"error": {"name", "message"}}`), and 503
 * `QueueUnavailableError` for any failure while Redis is away.
 */
export function createErrorHandler(redisReady: () => boolean) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const typed =
      !JoyvasaError.isInstance(error) && !redisReady()
        ? new QueueUnavailableError('the queue (Redis) cannot be reached; retry shortly', { cause: error })
        : error;
    const status = statusOf(typed);
    if (status >= 500 && status !== 503) request.log.error(error);
    if (LiveCapacityError.isInstance(typed)) void reply.header('retry-after', `${typed.retryAfterSeconds}`);
    void reply.status(status).type('application/json').send(bodyOf(typed, status));
  };
}
