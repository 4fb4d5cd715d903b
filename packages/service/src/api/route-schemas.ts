import { httpOptionsSchema } from '../http-options.js';
import { errorBodySchema } from './http-errors.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } },
} as const;

/** JSON Schema of `GET /v1/videos/:id`'s body (`VideoStatus`). */
export const videoStatusSchema = {
  type: 'object',
  required: ['id', 'state', 'progress', 'createdAt'],
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ['queued', 'active', 'completed', 'failed', 'cancelled'] },
    progress: {
      type: 'object',
      required: ['frames', 'totalFrames'],
      properties: {
        frames: { type: 'integer' },
        totalFrames: { type: 'integer' },
        fps: { type: 'number' },
      },
    },
    error: errorBodySchema.properties.error,
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema };

/** The route schemas (Fastify validates params and serialises answers with them; the OpenAPI document lists them). */
export const routeSchemas = {
  createVideo: {
    summary: 'Submit a render: multipart form with the files image and audio and the JSON field options',
    headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', maxLength: 256 } } },
    response: {
      202: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      413: errorBodySchema,
      ...errors,
    },
  },
  getVideo: {
    summary: 'A video: state, frame progress, error',
    params: idParams,
    response: { 200: videoStatusSchema, 202: videoStatusSchema, ...errors },
  },
  videoEvents: { summary: 'Server-sent events (event: status) until a final state', params: idParams },
  videoFile: { summary: 'The MP4 (H.264 + AAC), with Range requests; 404 until complete', params: idParams },
} as const;

/** The multipart form of `POST /v1/videos`, for the OpenAPI document. */
export const createVideoForm = {
  type: 'object',
  required: ['image', 'audio'],
  properties: {
    image: { type: 'string', format: 'binary' },
    audio: { type: 'string', format: 'binary' },
    options: { ...httpOptionsSchema, description: 'JSON text: generate() options' },
  },
} as const;
