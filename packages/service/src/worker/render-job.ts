import type { TalkingHeadEvent } from '@joyvasa/pipeline';
import type { NodeTalkingHead } from '@joyvasa/pipeline/node';
import type { VideoStoreV1 } from '../store/video-store.js';
import type { RenderJobData, RenderJobResult, RenderProgress } from '../video-job.js';

/** What rendering one job needs. */
export interface RenderJobContext {
  readonly id: string;
  readonly data: RenderJobData;
  readonly head: NodeTalkingHead;
  readonly store: VideoStoreV1;
  readonly worker: string;
  readonly signal: AbortSignal;
  /** Frame progress, as often as frames come; the caller throttles. */
  readonly onProgress: (progress: RenderProgress) => void;
}

/**
 * Renders one job into the store: the MP4 is written under a temporary name and renamed when complete, so
 * the video's name only ever holds a whole file; on any failure (an abort included) nothing is left. A job
 * whose video is already in the store (its completion was lost with Redis) is not rendered again: undefined.
 */
export async function renderJob(context: RenderJobContext): Promise<RenderJobResult | undefined> {
  const { id, data, head, store, signal } = context;
  const started = performance.now();
  if ((await store.videoBytes(id)) !== undefined) return undefined;
  const [image, audio] = await Promise.all([
    store.inputPath(data.inputs.image),
    store.inputPath(data.inputs.audio),
  ]);
  const pending = await store.beginVideo(id);
  let totalFrames = 0;
  let fps: number | undefined;
  const onEvent = (event: TalkingHeadEvent) => {
    if (event.type === 'motion-chunk') ({ totalFrames, fps } = event);
    if (event.type === 'frame') {
      context.onProgress({ frames: event.index + 1, totalFrames, ...(fps ? { fps } : {}) });
    }
  };
  try {
    const result = await head.generate(
      { image, audio },
      { ...data.options, output: pending.path, signal, onEvent },
    );
    await pending.commit();
    return {
      frames: result.frameCount,
      durationSeconds: result.durationSeconds,
      renderSeconds: (performance.now() - started) / 1000,
      worker: context.worker,
    };
  } catch (error) {
    await pending.discard();
    throw error;
  }
}
