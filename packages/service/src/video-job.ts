import type { AnimationMode } from '@joyvasa/core';
import type { AnimateOptions } from '@joyvasa/pipeline';

/** The BullMQ queue every API replica adds to and every worker takes from. */
export const renderQueueName = 'joyvasa-render';

/** Redis keys of the service beside BullMQ's own (one definition for the API and the workers). */
export const serviceKeys = {
  /** Set when a video is cancelled: `{ cancelledAt, createdAt }` as JSON. */
  cancelled: (id: string) => `joyvasa:cancelled:${id}`,
  /** Pub/sub channel on which the API tells the workers which video to stop. */
  cancelChannel: 'joyvasa:cancel',
  /** Hash of one worker's counters (see `worker/worker-metrics.ts`). */
  workerMetrics: (worker: string) => `joyvasa:metrics:worker:${worker}`,
  /** Set of the worker names that have reported metrics. */
  workers: 'joyvasa:metrics:workers',
  /** Hash of queue-wide counters: queue wait sum and count. */
  queueMetrics: 'joyvasa:metrics:queue',
} as const;

/** How long a cancelled marker is kept, in seconds (a week, as long as finished jobs are). */
export const cancelledMarkerSeconds = 7 * 24 * 3600;

/** Where a job's uploads are in the store, by role. */
export interface VideoInputs {
  /** Store name of the image (see `VideoStoreV1.inputPath`). */
  readonly image: string;
  readonly audio: string;
}

/** The data of one render job, as stored in Redis. */
export interface RenderJobData {
  readonly inputs: VideoInputs;
  /** The `generate()` options sent with the request, already checked. */
  readonly options: AnimateOptions;
  /** Human or animal face (the worker keeps one talking head per mode). */
  readonly mode: AnimationMode;
}

/** What a completed job returns. */
export interface RenderJobResult {
  readonly frames: number;
  readonly durationSeconds: number;
  readonly renderSeconds: number;
  readonly worker: string;
}

/** Frame progress of a job (`job.updateProgress`). */
export interface RenderProgress {
  readonly frames: number;
  readonly totalFrames: number;
  /** Frames per second of the video, once the motion model has said it (absent while queued). */
  readonly fps?: number;
}

/** The states a video goes through, as the API reports them. */
export type VideoState = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';

/** `GET /v1/videos/:id`. */
export interface VideoStatus {
  readonly id: string;
  readonly state: VideoState;
  readonly progress: RenderProgress;
  readonly error?: { readonly name: string; readonly message: string };
  /** ISO 8601. */
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/**
 * A job's failure as BullMQ keeps it (one string): `Name: message`, so that the SDK's typed error name
 * survives Redis. {@link decodeJobError} reads it back.
 */
export function encodeJobError(error: { name: string; message: string }): string {
  return `${error.name}: ${error.message}`;
}

/** The `{ name, message }` of a failed job's reason; a reason without a name is an `Error`. */
export function decodeJobError(reason: string): { name: string; message: string } {
  const match = /^((?:[A-Za-z][A-Za-z0-9]*)?Error): ([\s\S]*)$/.exec(reason);
  return match ? { name: match[1]!, message: match[2]! } : { name: 'Error', message: reason };
}
