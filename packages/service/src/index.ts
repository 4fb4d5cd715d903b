export {
  createServiceApp,
  type RenderServiceOptions,
  renderServicePlugin,
} from './api/create-service-app.js';
export type { ErrorBody } from './api/http-errors.js';
export type { RetryPolicy } from './api/video-routes.js';
export {
  LiveCapacityError,
  LiveSessionNotFoundError,
  QueueUnavailableError,
  RenderCancelledError,
  UnauthorizedError,
  UploadTooLargeError,
  VideoNotFoundError,
} from './errors.js';
export { type HttpRenderOptions, httpOptionsSchema, parseHttpOptions } from './http-options.js';
export { checkRedisUrl } from './redis-connection.js';
export { createFolderVideoStore } from './store/folder-video-store.js';
export type { ByteRange, InputRole, PendingVideo, VideoStoreV1 } from './store/video-store.js';
export { version } from './version.js';
export {
  type RenderJobData,
  type RenderJobResult,
  type RenderProgress,
  renderQueueName,
  type VideoState,
  type VideoStatus,
} from './video-job.js';
export { classifyRenderError, type RenderFailureKind } from './worker/classify-render-error.js';
export { withDeviceFault } from './worker/device-fault.js';
export { type RenderWorker, type RenderWorkerOptions, startRenderWorker } from './worker/render-worker.js';
