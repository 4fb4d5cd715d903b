import { version } from '../version.js';
import { errorBodySchema } from './http-errors.js';
import { createVideoForm, routeSchemas, videoStatusSchema } from './route-schemas.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const failure = (description: string) => ({ description, ...json(errorBodySchema) });
const common = {
  '401': failure('UnauthorizedError: no or a wrong bearer token (with --token)'),
  '404': failure('VideoNotFoundError'),
  '503': failure('QueueUnavailableError: Redis cannot be reached'),
};

/** The OpenAPI 3.1 document of the API (`GET /v1/openapi.json`). */
export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'JoyVASA render service', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/videos': {
        post: {
          summary: routeSchemas.createVideo.summary,
          parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } }],
          requestBody: { content: { 'multipart/form-data': { schema: createVideoForm } } },
          responses: {
            '202': { description: 'queued', ...json(routeSchemas.createVideo.response[202]) },
            '400': failure('InvalidInputError: a missing file, malformed options'),
            '413': failure('UploadTooLargeError'),
            ...common,
          },
        },
      },
      '/v1/videos/{id}': {
        get: {
          summary: routeSchemas.getVideo.summary,
          parameters: [idParameter],
          responses: { '200': { description: 'the status', ...json(videoStatusSchema) }, ...common },
        },
        delete: {
          summary: 'Cancel: a queued video is removed, a running render stops within one render batch',
          parameters: [idParameter],
          responses: {
            '202': { description: 'the status after the cancel', ...json(videoStatusSchema) },
            ...common,
          },
        },
      },
      '/v1/videos/{id}/events': {
        get: {
          summary: routeSchemas.videoEvents.summary,
          parameters: [idParameter],
          responses: { '200': { description: 'text/event-stream' }, ...common },
        },
      },
      '/v1/videos/{id}/file': {
        get: {
          summary: routeSchemas.videoFile.summary,
          parameters: [idParameter, { name: 'Range', in: 'header', schema: { type: 'string' } }],
          responses: {
            '200': { description: 'video/mp4' },
            '206': { description: 'the range' },
            '416': { description: 'range not satisfiable' },
            ...common,
          },
        },
      },
      '/healthz': { get: { summary: '200 when Redis answers, 503 otherwise', security: [] } },
      '/metrics': { get: { summary: 'Prometheus text', security: [] } },
    },
  };
}
