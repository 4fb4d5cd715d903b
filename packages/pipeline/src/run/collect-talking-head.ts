import type { RgbImage } from '@joyvasa/core';
import type { FrameSinkResult, FrameSinkV1, SinkAudio } from '../sinks/frame-sink.js';
import type { TalkingHeadEvent } from './talking-head-events.js';

/** What `generate` returns; `SinkResult` is the type of the sink's `finish()` result. */
export interface GenerateResult<SinkResult extends FrameSinkResult = FrameSinkResult> {
  readonly frameCount: number;
  readonly fps: number;
  readonly durationSeconds: number;
  /** The frames, when no sink was given (all in memory: prefer a sink for long audio). */
  readonly frames?: readonly RgbImage[];
  /** The sink's result (files written), when a sink was given. */
  readonly sink?: SinkResult;
}

/** Options of {@link collectTalkingHead}. */
export interface CollectOptions<SinkResult extends FrameSinkResult = FrameSinkResult> {
  /**
   * Where frames go (`createFfmpegVideoSink`, `createPngSequenceSink`, `createCanvasSink`, or your own);
   * without one they are collected in memory.
   */
  readonly sink?: FrameSinkV1<SinkResult>;
  /** The audio track the sink should mux in (with its `durationSeconds` when known: no sink measures it). */
  readonly audio?: SinkAudio;
  /** Every event of the run, as it happens (progress bars, previews). */
  readonly onEvent?: (event: TalkingHeadEvent) => void;
}

/**
 * Drains a talking-head stream into a sink (or memory). The sink is started at the first frame with the
 * frame rate and frame count of the run's first `motion-chunk` (which always comes before it). On any
 * failure or abort the sink is aborted, which removes its partial output, and the error is rethrown.
 */
export async function collectTalkingHead<SinkResult extends FrameSinkResult = FrameSinkResult>(
  events: AsyncIterable<TalkingHeadEvent>,
  options: CollectOptions<SinkResult> = {},
): Promise<GenerateResult<SinkResult>> {
  const frames: RgbImage[] = [];
  const sink = options.sink;
  let started = false;
  let chunk: { totalFrames: number; fps: number } | undefined;
  try {
    for await (const event of events) {
      options.onEvent?.(event);
      if (event.type === 'motion-chunk') chunk = event;
      if (event.type === 'frame') {
        if (!sink) {
          frames.push(event.image);
          continue;
        }
        if (!chunk) throw new Error('a talking-head stream gave a frame before its first motion-chunk');
        if (!started) {
          await sink.start({
            width: event.image.width,
            height: event.image.height,
            fps: chunk.fps,
            // A live run's length is unknown (0) until its audio ends.
            ...(chunk.totalFrames > 0 ? { frameCount: chunk.totalFrames } : {}),
            ...(options.audio ? { audio: options.audio } : {}),
          });
          started = true;
        }
        await sink.write(event.image, event.index);
      }
      if (event.type === 'stream-end') {
        const base = { frameCount: event.frameCount, fps: event.fps, durationSeconds: event.durationSeconds };
        if (!sink) return { ...base, frames };
        return { ...base, sink: await sink.finish() };
      }
    }
    throw new Error('the talking-head stream ended without a stream-end event');
  } catch (error) {
    await sink?.abort(error);
    throw error;
  }
}
